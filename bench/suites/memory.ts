/**
 * (5) Memory. Server: growth of a fresh server process per idle session, for legacy SSE and
 * Streamable HTTP. Client: growth of a fresh client process per open connection. Each is measured
 * after forced GC in a process of its own, as resident set size (what the issue asks for) and as
 * JS heap + buffers (steadier: RSS moves in allocator-sized steps).
 */
import { startChild, type SettledMemory } from "../child.js";
import type { ServersReady } from "../children/servers.js";
import { openHttpSession, openSseSession, type IdleSession } from "../sessions.js";
import type { Suite } from "../suite.js";

const KIB = 1024;
const OPEN_BATCH = 50;

interface Growth {
  rss: number;
  heap: number;
}

function perItem(before: SettledMemory, after: SettledMemory, count: number): Growth {
  return { rss: (after.rss - before.rss) / count / KIB, heap: (after.heap - before.heap) / count / KIB };
}

async function serverPerSession(transport: "sse" | "http", count: number): Promise<Growth> {
  const child = await startChild<ServersReady>("./children/servers.ts", [], { exposeGc: true });
  const sessions: IdleSession[] = [];
  try {
    const open = transport === "sse" ? openSseSession : openHttpSession;
    // A few sessions first, so lazily loaded code and first-use allocations are in the baseline.
    for (let i = 0; i < 5; i++) (await open(child.ready.math)).close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = await child.request<SettledMemory>("gc");
    for (let start = 0; start < count; start += OPEN_BATCH) {
      const batch = Array.from({ length: Math.min(OPEN_BATCH, count - start) }, () => open(child.ready.math));
      sessions.push(...(await Promise.all(batch)));
    }
    const after = await child.request<SettledMemory>("gc");
    return perItem(before, after, count);
  } finally {
    for (const session of sessions) session.close();
    await child.close();
  }
}

async function clientPerConnection(math: string, kind: "adapter" | "sdk", count: number): Promise<Growth> {
  const child = await startChild<unknown>("./children/clients.ts", [], { exposeGc: true });
  try {
    const { before, after } = await child.request<{ before: SettledMemory; after: SettledMemory }>("measure", { kind, url: `${math}/mcp`, count });
    return perItem(before, after, count);
  } finally {
    await child.close();
  }
}

export const memorySuite: Suite = {
  name: "memory",
  async run(context) {
    const { recorder } = context;
    // Every measurement gets a process of its own, started just before it: a process still
    // settling after start-up (or competing with another one starting) shifts its baseline.
    const sessions = context.quick ? 30 : 1000;
    for (const transport of ["sse", "http"] as const) {
      context.log(`memory: server with ${sessions} idle ${transport} sessions`);
      const growth = await serverPerSession(transport, sessions);
      recorder.add(`memory/server/${transport}/per-session`, "KiB RSS", growth.rss);
      recorder.add(`memory/server/${transport}/per-session/heap`, "KiB heap", growth.heap);
    }

    const connections = context.quick ? 10 : 500;
    context.log(`memory: client with ${connections} connections`);
    const { math } = (await context.servers()).ready;
    const sdk = await clientPerConnection(math, "sdk", connections);
    const adapter = await clientPerConnection(math, "adapter", connections);
    recorder.add("memory/client/sdk/per-connection", "KiB RSS", sdk.rss);
    recorder.add("memory/client/sdk/per-connection/heap", "KiB heap", sdk.heap);
    recorder.add("memory/client/adapter/per-connection", "KiB RSS", adapter.rss, "memory/client/sdk/per-connection");
    recorder.add("memory/client/adapter/per-connection/heap", "KiB heap", adapter.heap, "memory/client/sdk/per-connection/heap");
  },
};
