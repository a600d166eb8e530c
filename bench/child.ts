/**
 * Child processes for the bench: servers run in their own process so their CPU time and memory can be
 * read apart from the client's, and so client and server do not share one event loop.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What every child reports on request: its own CPU time (µs) and resident set size (bytes). */
export interface ProcessStats {
  cpuMicros: number;
  rss: number;
}

/** Memory after forced GC: resident set, and what the JS heap and buffers hold (bytes). */
export interface SettledMemory {
  rss: number;
  heap: number;
}

type Handler = (args: Record<string, unknown>) => unknown;

interface Request {
  id: number;
  op: string;
  args: Record<string, unknown>;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export class ChildError extends Error {
  constructor(
    message: string,
    readonly script: string,
  ) {
    super(message);
    this.name = "ChildError";
  }
}

export interface Child<Ready> {
  pid: number;
  ready: Ready;
  request<T>(op: string, args?: Record<string, unknown>): Promise<T>;
  stats(): Promise<ProcessStats>;
  /** Stops the child (by its PID) and waits until it has exited. */
  close(): Promise<void>;
}

/**
 * Forks a TypeScript script of this folder through tsx and waits for its `ready` message.
 * @throws {ChildError} when the child exits or fails before it is ready.
 */
export async function startChild<Ready>(
  script: string,
  args: string[] = [],
  options: { exposeGc?: boolean; timeoutMs?: number } = {},
): Promise<Child<Ready>> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const execArgv = ["--import", "tsx", ...(options.exposeGc ? ["--expose-gc"] : [])];
  const child: ChildProcess = fork(path, args, { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ChildError(`${script} was not ready in time`, script)), options.timeoutMs ?? 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new ChildError(`${script} exited with code ${code} before it was ready`, script));
    });
    child.on("message", (message: { type?: string; ready?: Ready } & Partial<Reply>) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message.ready as Ready);
        return;
      }
      const entry = waiting.get(message.id ?? -1);
      if (!entry) return;
      waiting.delete(message.id!);
      if (message.ok) entry.resolve(message.value);
      else entry.reject(new ChildError(message.error ?? "child failed", script));
    });
  }).catch(async (error: unknown) => {
    child.kill();
    await exited;
    throw error;
  });

  child.once("exit", () => {
    for (const entry of waiting.values()) entry.reject(new ChildError(`${script} exited`, script));
    waiting.clear();
  });

  const request = <T>(op: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, op, args } satisfies Request);
    });

  return {
    pid: child.pid!,
    ready,
    request,
    stats: () => request<ProcessStats>("stats"),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

/**
 * The child's side: answers the parent's requests with the given handlers (plus `stats` and `gc`),
 * announces `ready`, and exits when the parent goes away.
 */
export function serveParent(ready: unknown, handlers: Record<string, Handler> = {}): void {
  const all: Record<string, Handler> = {
    stats: (): ProcessStats => {
      const cpu = process.cpuUsage();
      return { cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage().rss };
    },
    gc: () => settledMemory(),
    ...handlers,
  };
  process.on("message", async (message: Request) => {
    const handler = all[message.op];
    try {
      if (!handler) throw new Error(`unknown op ${message.op}`);
      process.send!({ id: message.id, ok: true, value: await handler(message.args) } satisfies Reply);
    } catch (error) {
      process.send!({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply);
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send!({ type: "ready", ready });
}

/**
 * Forces GC (the process must run with --expose-gc) and reads memory. Several passes with pauses
 * between them let weak references and finalizers (undici's request cleanup among them) settle.
 */
export async function settledMemory(): Promise<SettledMemory> {
  if (!globalThis.gc) throw new Error("settledMemory needs --expose-gc");
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external + usage.arrayBuffers };
}
