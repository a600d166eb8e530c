/**
 * (5) Memory, as slopes: what one more idle session costs a server and one more open connection
 * costs a client, from the memory after forced GC at {@link FROM} and again at {@link FROM} + the
 * step (500; 50 in a quick run). A slope leaves out what a baseline taken at start-up would drift by
 * (lazily loaded code, JIT, first-use caches), which once made the quick run's per-connection figure
 * negative. Servers (legacy SSE, Streamable HTTP) and clients (raw SDK, our adapter) each run in a
 * fresh process, as resident set size and as JS heap + buffers (steadier: RSS moves in allocator
 * steps). A quick run measures both kinds of one side in one process, to start fewer.
 */
import { startChild, type Child, type SettledMemory } from "../child.js";
import type { ServersReady } from "../children/servers.js";
import { openHttpSession, openSseSession, type IdleSession } from "../sessions.js";
import type { Suite } from "../suite.js";

const KIB = 1024;
const OPEN_BATCH = 50;
/** Sessions or connections open at the first reading. */
const FROM = 20;

interface Growth {
  rss: number;
  heap: number;
}

function slope(first: SettledMemory, second: SettledMemory, step: number): Growth {
  return { rss: (second.rss - first.rss) / step / KIB, heap: (second.heap - first.heap) / step / KIB };
}

async function openMany(open: () => Promise<IdleSession>, count: number, into: IdleSession[]): Promise<void> {
  for (let start = 0; start < count; start += OPEN_BATCH) {
    into.push(...(await Promise.all(Array.from({ length: Math.min(OPEN_BATCH, count - start) }, open))));
  }
}

async function serverSlope(child: Child<ServersReady>, transport: "sse" | "http", step: number): Promise<Growth> {
  const sessions: IdleSession[] = [];
  const open = () => (transport === "sse" ? openSseSession : openHttpSession)(child.ready.math);
  try {
    await openMany(open, FROM, sessions);
    const first = await child.request<SettledMemory>("gc");
    await openMany(open, step, sessions);
    return slope(first, await child.request<SettledMemory>("gc"), step);
  } finally {
    for (const session of sessions) session.close();
  }
}

async function clientSlope(child: Child<unknown>, math: string, kind: "adapter" | "sdk", step: number): Promise<Growth> {
  const { first, second } = await child.request<{ first: SettledMemory; second: SettledMemory }>("measure", { kind, url: `${math}/mcp`, from: FROM, step });
  return slope(first, second, step);
}

async function inFreshChild<T, Ready>(start: () => Promise<Child<Ready>>, measure: (child: Child<Ready>) => Promise<T>): Promise<T> {
  const child = await start();
  try {
    return await measure(child);
  } finally {
    await child.close();
  }
}

export const memorySuite: Suite = {
  name: "memory",
  async run(context) {
    const { recorder, quick } = context;
    const step = quick ? 50 : 500;
    const startServers = () => startChild<ServersReady>("./children/servers.ts", ["--max-sessions", String(2 * (FROM + step))], { exposeGc: true });
    const startClients = () => startChild<unknown>("./children/clients.ts", [], { exposeGc: true });
    // Every measurement gets a process of its own, started just before it (in a full run): a process
    // still settling after start-up, or competing with another one starting, shifts its readings.
    let shared: Child<ServersReady> | undefined;
    const servers = quick ? async () => (shared ??= await startServers()) : startServers;
    try {
      for (const transport of ["sse", "http"] as const) {
        context.log(`memory: server sessions ${FROM} → ${FROM + step}, ${transport}`);
        const growth = quick ? await serverSlope(await servers(), transport, step) : await inFreshChild(servers, (child) => serverSlope(child, transport, step));
        recorder.add(`memory/server/${transport}/per-session`, "KiB RSS", growth.rss);
        recorder.add(`memory/server/${transport}/per-session/heap`, "KiB heap", growth.heap);
      }
    } finally {
      await shared?.close();
    }
    recorder.target("memory: server heap per idle session, SSE (KiB)", "<=", 20, recorder.get("memory/server/sse/per-session/heap"));
    recorder.target("memory: server heap per idle session, Streamable HTTP (KiB)", "<=", 35, recorder.get("memory/server/http/per-session/heap"));

    context.log(`memory: client connections ${FROM} → ${FROM + step}`);
    const { math } = (await context.servers()).ready;
    const measure = (kind: "adapter" | "sdk") => (child: Child<unknown>) => clientSlope(child, math, kind, step);
    const [sdk, adapter] = quick
      ? await inFreshChild(startClients, async (child) => [await measure("sdk")(child), await measure("adapter")(child)])
      : [await inFreshChild(startClients, measure("sdk")), await inFreshChild(startClients, measure("adapter"))];
    recorder.add("memory/client/sdk/per-connection", "KiB RSS", sdk!.rss);
    recorder.add("memory/client/sdk/per-connection/heap", "KiB heap", sdk!.heap);
    recorder.add("memory/client/adapter/per-connection", "KiB RSS", adapter!.rss, "memory/client/sdk/per-connection");
    recorder.add("memory/client/adapter/per-connection/heap", "KiB heap", adapter!.heap, "memory/client/sdk/per-connection/heap");
  },
};
