/**
 * Child process for the client-memory benchmark: opens many client connections to one server and
 * reports its own resident set size before and after, so the bench process's heap does not blur it.
 * Run with --expose-gc.
 *
 *   request "measure" { kind: "adapter" | "sdk", url, from, step }   →   { first, second }: memory after
 *   GC with `from` connections open, and with `from + step`
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

async function measure(args: Record<string, unknown>): Promise<{ first: SettledMemory; second: SettledMemory }> {
  const kind = args.kind as Kind;
  const url = String(args.url);
  const from = Number(args.from);
  const step = Number(args.step);
  const closers: Array<() => Promise<unknown>> = [];
  const openMore = async (count: number) => {
    for (let start = 0; start < count; start += 25) {
      const batch = Array.from({ length: Math.min(25, count - start) }, (_, i) => open(kind, url, closers.length + i));
      closers.push(...(await Promise.all(batch)));
    }
  };
  try {
    await openMore(from);
    const first = await settledMemory();
    await openMore(step);
    return { first, second: await settledMemory() };
  } finally {
    await Promise.all(closers.map((close) => close().catch(() => undefined)));
  }
}

serveParent({}, { measure });
