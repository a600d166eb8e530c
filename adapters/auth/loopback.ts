import { createServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";

/** The path of the loopback redirect, `http://127.0.0.1:PORT/callback` (the path Claude Code and VS Code use too). */
export const CALLBACK_PATH = "/callback";

/** A port the system had free a moment ago, for a redirect URI chosen before anything listens on it. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The authorization server's answer, sent to the browser's redirect. */
export interface RedirectWait {
  /** The `code` of the redirect whose `state` matches; rejects on an error redirect, timeout or abort. */
  code: Promise<string>;
  /** Stops listening (also done once `code` settles). */
  close(): void;
}

/**
 * Listens on 127.0.0.1:`port` for the redirect of one authorization (RFC 8252 §7.3), answers the
 * browser with a short page, and stops. A redirect with another `state` is refused, not taken.
 * @throws when the port cannot be bound (the message names it).
 */
export async function awaitRedirect(options: { port: number; state: string; serverName: string; timeoutMs: number; signal: AbortSignal }): Promise<RedirectWait> {
  const { port, state, serverName, timeoutMs, signal } = options;
  let settle: { resolve(code: string): void; reject(error: Error): void } | undefined;
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  code.catch(() => undefined);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const page = (status: number, text: string) => {
      response.writeHead(status, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      response.end(`${text}\n`);
    };
    if (url.pathname !== CALLBACK_PATH) return page(404, "not found");
    if (url.searchParams.get("state") !== state) return page(400, "This login link is not the one mcp-graph is waiting for (state does not match).");
    const error = url.searchParams.get("error");
    if (error) {
      const description = url.searchParams.get("error_description");
      page(400, `Login to ${serverName} failed: ${error}${description ? ` (${description})` : ""}.`);
      return finish(new Error(`the authorization server refused the login: ${error}${description ? ` (${description})` : ""}`));
    }
    const value = url.searchParams.get("code");
    if (!value) return page(400, "The redirect carries no authorization code.");
    page(200, `Logged in to ${serverName}. You can close this tab.`);
    finish(undefined, value);
  });
  const timer = setTimeout(() => finish(new Error(`nobody logged in within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  timer.unref();
  const onAbort = () => finish(new Error("the login was cancelled"));
  signal.addEventListener("abort", onAbort, { once: true });
  let done = false;
  function finish(error?: Error, value?: string) {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    server.close();
    server.closeAllConnections();
    if (error) settle!.reject(error);
    else settle!.resolve(value!);
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      finish(error);
      reject(new Error(`cannot listen for the login redirect on 127.0.0.1:${port}: ${error.code ?? error.message}`, { cause: error }));
    });
    server.listen(port, "127.0.0.1", () => resolve());
  });
  if (signal.aborted) onAbort();
  return { code, close: () => finish(new Error("the login was cancelled")) };
}
