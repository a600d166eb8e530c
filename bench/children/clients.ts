/**
 * Child process for the client-memory benchmark: opens many client connections to one server and
 * reports its own resident set size before and after, so the bench process's heap does not blur it.
 * Run with --expose-gc.
 *
 *   request "measure" { kind: "adapter" | "sdk", url, count }   →   { before, after } (memory after GC)
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { MultiServerClient } from "../../adapters/index.js";
import { serveParent, settledMemory, type SettledMemory } from "../child.js";

type Kind = "adapter" | "sdk";

/** Opens one connection of the kind and returns how to close it. */
async function open(kind: Kind, url: string, index: number): Promise<() => Promise<unknown>> {
  if (kind === "adapter") {
    const client = new MultiServerClient({ [`s${index}`]: { url, transport: "http" } });
    const status = await client.connect();
    if (status[`s${index}`]?.state !== "connected") throw new Error(`adapter connection ${index} failed: ${status[`s${index}`]?.error}`);
    return () => client.close();
  }
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  await client.listTools();
  return () => client.close();
}

async function measure(args: Record<string, unknown>): Promise<{ before: SettledMemory; after: SettledMemory }> {
  const kind = args.kind as Kind;
  const url = String(args.url);
  const count = Number(args.count);
  // One connection first, so module loading and JIT are in the baseline rather than in the delta.
  await (await open(kind, url, -1))();
  const before = await settledMemory();
  const closers: Array<() => Promise<unknown>> = [];
  try {
    for (let start = 0; start < count; start += 25) {
      const batch = Array.from({ length: Math.min(25, count - start) }, (_, i) => open(kind, url, start + i));
      closers.push(...(await Promise.all(batch)));
    }
    const after = await settledMemory();
    return { before, after };
  } finally {
    await Promise.all(closers.map((close) => close().catch(() => undefined)));
  }
}

serveParent({}, { measure });
