/**
 * Idle MCP sessions opened with bare `node:http`, so that a thousand of them cost the bench process
 * little while the server holds exactly what an SDK client's session makes it hold: the initialize
 * handshake done, and the stream open that the SDK client keeps (`GET /sse` for legacy SSE, the
 * standalone `GET /mcp` notification stream for Streamable HTTP).
 */
import http from "node:http";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";

export interface IdleSession {
  close(): void;
}

export class SessionOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SessionOpenError";
  }
}

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "bench", version: "1.0.0" } },
};
const INITIALIZED = { jsonrpc: "2.0", method: "notifications/initialized" };

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(url: URL, method: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: { ...headers, ...(payload ? { "content-type": "application/json" } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** Opens a long-lived GET stream and resolves with it once `until` matches the text received so far. */
function openStream(url: URL, headers: Record<string, string>, until: (text: string) => boolean): Promise<{ req: http.ClientRequest; text: () => string }> {
  return new Promise((resolve, reject) => {
    let text = "";
    let settled = false;
    const req = http.get(url, { agent: false, headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new SessionOpenError(`GET ${url.pathname} answered ${res.statusCode}`));
        return;
      }
      res.setEncoding("utf8");
      if (until(text)) {
        settled = true;
        resolve({ req, text: () => text });
      }
      res.on("data", (chunk: string) => {
        text += chunk;
        if (!settled && until(text)) {
          settled = true;
          resolve({ req, text: () => text });
        }
      });
    });
    req.on("error", (error) => {
      if (!settled) reject(error);
    });
  });
}

/** A legacy SSE session: `GET /sse`, then initialize and initialized through `POST /messages`. */
export async function openSseSession(origin: string): Promise<IdleSession> {
  const stream = await openStream(new URL("/sse", origin), {}, (text) => /event: endpoint\ndata: .*\n/.test(text));
  try {
    const endpoint = new URL(/event: endpoint\ndata: (.*)\n/.exec(stream.text())![1]!, origin);
    const initialize = await request(endpoint, "POST", {}, INITIALIZE);
    if (initialize.status !== 202) throw new SessionOpenError(`POST initialize answered ${initialize.status}: ${initialize.body}`);
    // The result arrives on the stream; the session only counts once the handshake is complete.
    await waitFor(() => stream.text().includes('"id":1'));
    const initialized = await request(endpoint, "POST", {}, INITIALIZED);
    if (initialized.status !== 202) throw new SessionOpenError(`POST initialized answered ${initialized.status}`);
  } catch (error) {
    stream.req.destroy();
    throw error;
  }
  return { close: () => stream.req.destroy() };
}

/** A Streamable HTTP session: initialize, initialized, and the standalone GET stream the SDK client opens. */
export async function openHttpSession(origin: string): Promise<IdleSession> {
  const url = new URL("/mcp", origin);
  const accept = { accept: "application/json, text/event-stream" };
  const initialize = await request(url, "POST", accept, INITIALIZE);
  const sessionId = initialize.headers["mcp-session-id"];
  if (initialize.status !== 200 || typeof sessionId !== "string") {
    throw new SessionOpenError(`POST initialize answered ${initialize.status} without a session id: ${initialize.body.slice(0, 200)}`);
  }
  const headers = { "mcp-session-id": sessionId, "mcp-protocol-version": LATEST_PROTOCOL_VERSION };
  const initialized = await request(url, "POST", { ...accept, ...headers }, INITIALIZED);
  if (initialized.status !== 202) throw new SessionOpenError(`POST initialized answered ${initialized.status}`);
  // The server sends headers (and maybe a priming event) right away; an open response is enough.
  const stream = await openStream(url, headers, () => true).catch(() => undefined);
  return {
    close: () => {
      stream?.req.destroy();
      void request(url, "DELETE", headers).catch(() => undefined);
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new SessionOpenError("timed out waiting for the initialize result");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
