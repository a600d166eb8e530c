import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT, type ChildServer } from "../support/server-process.js";
import { connectClient, textOf, type WireTransport } from "../support/sdk-client.js";

const execFileAsync = promisify(execFile);

export const CITIES = [
  "Berlin", "Paris", "Tokyo", "Lagos", "Lima", "Oslo", "Cairo", "Sydney", "Toronto", "Mumbai",
  "São Paulo", "Reykjavík", "Nairobi", "Seoul", "Dublin", "Hanoi", "Quito", "Perth", "Kyiv", "Accra",
];

/** One call the load makes and how to tell its result is right. */
interface PlannedCall {
  tool: string;
  args: Record<string, unknown>;
  check(result: CallToolResult): string | undefined;
}

/** Deterministic pseudo-random numbers, so a failing run can be repeated exactly. */
export function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** Operands across the safe range, including products far past 2^53 that only BigInt gets right. */
function operand(random: () => number): number {
  const pick = random();
  if (pick < 0.5) return Math.floor(random() * 2_000) - 1_000;
  if (pick < 0.8) return Math.floor(random() * 2 ** 32) - 2 ** 31;
  return Math.floor((random() * 2 - 1) * Number.MAX_SAFE_INTEGER);
}

export function mathCall(random: () => number): PlannedCall {
  const a = operand(random);
  const b = operand(random);
  const tool = random() < 0.5 ? "add" : "multiply";
  const expected = (tool === "add" ? BigInt(a) + BigInt(b) : BigInt(a) * BigInt(b)).toString();
  return {
    tool,
    args: { a, b },
    check: (result) => (result.isError !== true && textOf(result) === expected ? undefined : `${tool}(${a}, ${b}) expected ${expected}, got ${JSON.stringify(result).slice(0, 200)}`),
  };
}

/** Weather is deterministic per city: every answer must equal the reference answer for that city. */
function weatherCall(random: () => number, reference: Map<string, string>): PlannedCall {
  const city = CITIES[Math.floor(random() * CITIES.length)]!;
  return {
    tool: "get_weather",
    args: { city },
    check: (result) => {
      const text = textOf(result);
      if (result.isError === true || text !== reference.get(city)) return `get_weather(${city}) got ${text.slice(0, 200)}`;
      const structured = result.structuredContent as { city?: unknown } | undefined;
      if (typeof structured?.city !== "string") return `get_weather(${city}) has no structuredContent.city`;
      return undefined;
    },
  };
}

export interface LoadResult {
  server: string;
  transport: WireTransport;
  clients: number;
  callsPerClient: number;
  calls: number;
  correct: number;
  errors: number;
  /** Distinct error messages with their counts (first 10). */
  errorSamples: Record<string, number>;
  connectMs: number;
  durationMs: number;
  callsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

/** Reference weather texts, one call per city, before the load starts. */
export async function weatherReference(url: string): Promise<Map<string, string>> {
  const client = await connectClient(url, "http");
  try {
    const reference = new Map<string, string>();
    for (const city of CITIES) {
      const result = (await client.callTool({ name: "get_weather", arguments: { city } })) as CallToolResult;
      if (result.isError) throw new Error(`reference get_weather(${city}) failed: ${textOf(result)}`);
      reference.set(city, textOf(result));
    }
    return reference;
  } finally {
    await disconnect(client);
  }
}

/**
 * `clients` SDK clients connect at once over `transport`, each makes `callsPerClient` calls one after
 * another (all clients concurrently), every result is checked, then every client disconnects.
 */
export async function runLoad(
  server: ChildServer,
  transport: WireTransport,
  options: { clients: number; callsPerClient: number; seed: number; reference?: Map<string, string> },
): Promise<LoadResult> {
  const errorSamples: Record<string, number> = {};
  const latencies: number[] = [];
  let correct = 0;
  let errors = 0;
  const fail = (message: string) => {
    errors++;
    const key = message.slice(0, 160);
    if (key in errorSamples || Object.keys(errorSamples).length < 10) errorSamples[key] = (errorSamples[key] ?? 0) + 1;
  };

  const connectStarted = performance.now();
  const connected = await Promise.allSettled(Array.from({ length: options.clients }, () => connectClient(server.url, transport)));
  const connectMs = performance.now() - connectStarted;
  const clients: Client[] = [];
  for (const outcome of connected) {
    if (outcome.status === "fulfilled") clients.push(outcome.value);
    else fail(`connect: ${describeError(outcome.reason)}`);
  }
  // A client that could not connect loses all its calls (one already counted as the connect failure).
  errors += (options.clients - clients.length) * (options.callsPerClient - 1);

  const started = performance.now();
  await Promise.all(
    clients.map(async (client, index) => {
      const random = rng(options.seed * 1_000 + index + 1);
      for (let call = 0; call < options.callsPerClient; call++) {
        const planned = server.kind === "math" ? mathCall(random) : weatherCall(random, options.reference!);
        const callStarted = performance.now();
        try {
          const result = (await client.callTool({ name: planned.tool, arguments: planned.args }, undefined, { timeout: 30_000 })) as CallToolResult;
          latencies.push(performance.now() - callStarted);
          const problem = planned.check(result);
          if (problem) fail(problem);
          else correct++;
        } catch (error) {
          fail(describeError(error));
        }
      }
    }),
  );
  const durationMs = performance.now() - started;
  await Promise.allSettled(clients.map((client) => disconnect(client)));

  const calls = options.clients * options.callsPerClient;
  return {
    server: server.kind,
    transport,
    clients: options.clients,
    callsPerClient: options.callsPerClient,
    calls,
    correct,
    errors,
    errorSamples,
    connectMs: Math.round(connectMs),
    durationMs: Math.round(durationMs),
    callsPerSecond: Math.round((correct / durationMs) * 1000),
    latencyMs: percentiles(latencies),
  };
}

export function percentiles(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10 : 0);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

/**
 * Ends a session the way the project's MultiServerClient does: DELETE for Streamable HTTP (the SDK's
 * `close()` alone sends none, and the server would keep the session until its idle timeout), then close.
 */
export async function disconnect(client: Client): Promise<void> {
  const transport = client.transport;
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) await transport.terminateSession().catch(() => undefined);
  await client.close();
}

/** The message plus the network cause `fetch failed` hides (ECONNRESET, UND_ERR_CONNECT_TIMEOUT, …). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = cause ? ` (${String(cause.code ?? cause.message)})` : "";
  return `${error.name}: ${error.message}${detail}`;
}

/** `process.memoryUsage()` of a server after a forced full GC (needs the server started with `--inspect=127.0.0.1:0`). */
export async function memoryAfterGc(server: ChildServer): Promise<{ rss: number; heapUsed: number; heapTotal: number; external: number }> {
  const match = /Debugger listening on (ws:\/\/\S+)/.exec(server.output());
  if (!match) throw new Error(`${server.kind} was not started with --inspect`);
  const { stdout } = await execFileAsync(process.execPath, ["--experimental-websocket", "--no-warnings", "--import", "tsx", "test/load/heap-probe.ts", match[1]!], {
    cwd: ROOT,
    timeout: 30_000,
  });
  return JSON.parse(stdout) as { rss: number; heapUsed: number; heapTotal: number; external: number };
}
