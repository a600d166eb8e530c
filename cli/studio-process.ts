import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Environment of the LangGraph CLI and dev server, over the user's own: no usage analytics (the CLI
 * posts every command to a hosted endpoint unless told not to) and no browser. LangSmith tracing is
 * left as the user set it: off unless `LANGSMITH_TRACING=true` (with `LANGSMITH_API_KEY`), then to
 * `LANGSMITH_ENDPOINT` and `LANGSMITH_PROJECT`, as everywhere else LangChain runs.
 */
export const DEV_SERVER_ENV = {
  LANGGRAPH_CLI_NO_ANALYTICS: "1",
  BROWSER: "none",
  // Schemas are extracted by type-checking the project, which takes longer than the default 30 s on a busy machine.
  LANGGRAPH_SCHEMA_RESOLVE_TIMEOUT_MS: "120000",
} as const;

/**
 * Whether LangChain traces runs to LangSmith in this environment, by the `langsmith` client's own rule
 * (`LANGSMITH_TRACING_V2` or `LANGSMITH_TRACING` "true", each falling back to its `LANGCHAIN_` name),
 * and where to.
 */
export function langsmithTracing(env: Record<string, string | undefined>): { on: false } | { on: true; endpoint: string; project: string } {
  const variable = (name: string) => env[`LANGSMITH_${name}`] || env[`LANGCHAIN_${name}`];
  if (variable("TRACING_V2") !== "true" && variable("TRACING") !== "true") return { on: false };
  return { on: true, endpoint: variable("ENDPOINT") || "https://api.smith.langchain.com", project: variable("PROJECT") || "default" };
}

/** The dev server did not answer, or exited, before it was ready. */
export class DevServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DevServerStartError";
  }
}

/** True when nothing listens on `host:port` (checked by binding it for a moment). */
export async function isPortFree(host: string, port: number): Promise<boolean> {
  return await new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolvePromise(false);
      else reject(error);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolvePromise(true)));
  });
}

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return await new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePromise(port));
    });
  });
}

/** Path of the `langgraphjs` executable script of the installed `@langchain/langgraph-cli`. */
export function langgraphCliPath(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("@langchain/langgraph-cli/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: Record<string, string> };
  const bin = manifest.bin.langgraphjs;
  if (!bin) throw new DevServerStartError("@langchain/langgraph-cli has no langgraphjs executable");
  return resolve(dirname(manifestPath), bin);
}

export interface DevServerOptions {
  /** Directory holding `langgraph.json`; the dev server's working directory. */
  projectDir: string;
  host: string;
  port: number;
  /** Restart the server when the graph's sources change (the CLI's default). */
  reload: boolean;
  env: Record<string, string | undefined>;
}

/**
 * Starts `langgraphjs dev` in its own process group, so that stopping it by `-pid` also stops the API
 * server process the CLI starts in turn.
 */
export function spawnDevServer(options: DevServerOptions): ChildProcess {
  const args = [
    langgraphCliPath(),
    "dev",
    "--config",
    resolve(options.projectDir, "langgraph.json"),
    "--host",
    options.host,
    "--port",
    String(options.port),
    "--no-browser",
    ...(options.reload ? [] : ["--no-reload"]),
  ];
  return spawn(process.execPath, args, {
    cwd: options.projectDir,
    env: { ...options.env, ...DEV_SERVER_ENV },
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/**
 * Resolves once the API answers `GET /ok`.
 * @throws {DevServerStartError} when the child exits first or the timeout passes.
 */
export async function waitUntilReady(child: ChildProcess, apiUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new DevServerStartError(`the LangGraph dev server exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
    try {
      const response = await fetch(`${apiUrl}/ok`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new DevServerStartError(`the LangGraph dev server did not answer at ${apiUrl} within ${Math.round(timeoutMs / 1000)} s`);
}

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the process group led by `pid`: SIGTERM first so the dev server flushes its state, SIGKILL for
 * whatever is still running after `graceMs`.
 */
export async function stopProcessGroup(pid: number, graceMs = 5_000): Promise<void> {
  if (!groupAlive(pid)) return;
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Gone between the check and the kill.
  }
}
