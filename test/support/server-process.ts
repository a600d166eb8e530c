import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The repository root, so children run with the same node_modules whatever the caller's cwd. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Bound for tests and hooks that start processes. Starting a server through tsx takes about a second
 * on an idle machine and much longer on a busy two-core CI runner; the default 30 s is too tight there.
 */
export const PROCESS_TIMEOUT_MS = 120_000;

export type ServerKind = "math" | "weather";

export interface ChildServer {
  kind: ServerKind;
  pid: number;
  /** http://127.0.0.1:port (no trailing slash) */
  url: string;
  port: number;
  /** Everything the child wrote, for failure messages. */
  output(): string;
  /** Resident set size from /proc, in KiB. */
  rssKb(): Promise<number>;
  /** Sends the signal and waits for the exit; resolves at once if the child is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Settles with the exit code (or the signal's name) when the child exits. */
  exited: Promise<number | string>;
}

export interface SpawnOptions {
  /** 0 (the default) picks a free port; give the old port to restart a server where it was. */
  port?: number;
  stateless?: boolean;
  authToken?: string;
  host?: string;
  /** Extra environment, e.g. memory flags. */
  env?: Record<string, string>;
  /** Node flags before the entry point. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
// Last resort for a test process that dies before its afterAll: no server outlives it.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * Starts `servers/<kind>/main.ts` as its own process, the way `npm run server:<kind>` does (the
 * port, host and stateless mode through the environment), and waits until `/healthz` answers.
 * Runs node with tsx as a loader rather than the tsx CLI so that `pid` is the server itself: a
 * SIGKILL to it is a real crash, not a wrapper's death that orphans the server.
 */
export async function spawnServer(kind: ServerKind, options: SpawnOptions = {}): Promise<ChildServer> {
  const host = options.host ?? "127.0.0.1";
  const portVariable = kind === "math" ? "MATH_SERVER_PORT" : "WEATHER_SERVER_PORT";
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    [portVariable]: String(options.port ?? 0),
    MCP_HOST: host,
    ...(options.stateless ? { MCP_STATELESS: "1" } : {}),
    ...(options.authToken ? { MCP_AUTH_TOKEN: options.authToken } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", `servers/${kind}/main.ts`], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let output = "";
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? "unknown");
    });
  });

  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${kind} server printed no URL within ${options.readyTimeoutMs ?? 30_000} ms:\n${output}`)),
        options.readyTimeoutMs ?? 30_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        const match = /http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|[\d.]+):(\d+)/.exec(output);
        if (match && Number(match[1]) !== 0) {
          clearTimeout(timer);
          resolve(`http://${host}:${match[1]}`);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${kind} server exited (${code}) before it was ready:\n${output}`));
      });
    });
    await waitForHealth(url, options.readyTimeoutMs ?? 30_000, options.authToken);
    return {
      kind,
      pid: child.pid!,
      url,
      port: Number(new URL(url).port),
      output: () => output,
      rssKb: () => readRssKb(child.pid!),
      stop,
      exited,
    };
  } catch (error) {
    await stop("SIGKILL");
    throw error;
  }
}

/** Polls `/healthz` until it answers 200. */
export async function waitForHealth(url: string, timeoutMs: number, authToken?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/healthz`, {
        headers: authToken ? { authorization: `Bearer ${authToken}` } : {},
        signal: AbortSignal.timeout(1_000),
      });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url}/healthz did not answer 200 within ${timeoutMs} ms (${last})`);
}

/** VmRSS of a process in KiB (Linux). */
export async function readRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}
