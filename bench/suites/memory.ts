/**
 * (5) Memory. Server: resident set growth of a fresh server process per idle session, for legacy SSE
 * and Streamable HTTP. Client: resident set growth of a fresh client process per open connection.
 * Both are measured after forced GC in a process of their own.
 */
import { startChild } from "../child.js";
import type { ServersReady } from "../children/servers.js";
import { openHttpSession, openSseSession, type IdleSession } from "../sessions.js";
import type { Suite, SuiteContext } from "../suite.js";

const KIB = 1024;
const OPEN_BATCH = 50;

async function serverPerSession(context: SuiteContext, transport: "sse" | "http", count: number): Promise<void> {
  const child = await startChild<ServersReady>("./children/servers.ts", [], { exposeGc: true });
  const sessions: IdleSession[] = [];
  try {
    const open = transport === "sse" ? openSseSession : openHttpSession;
    // A few sessions first, so lazily loaded code and first-use allocations are in the baseline.
    for (let i = 0; i < 5; i++) (await open(child.ready.math)).close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = await child.request<number>("gc");
    for (let start = 0; start < count; start += OPEN_BATCH) {
      const batch = Array.from({ length: Math.min(OPEN_BATCH, count - start) }, () => open(child.ready.math));
      sessions.push(...(await Promise.all(batch)));
    }
    const after = await child.request<number>("gc");
    context.recorder.add(`memory/server/${transport}/per-session`, "KiB", (after - before) / count / KIB);
  } finally {
    for (const session of sessions) session.close();
    await child.close();
  }
}

/** KiB of client RSS per open connection of the kind. */
async function clientPerConnection(context: SuiteContext, kind: "adapter" | "sdk", count: number): Promise<number> {
  const { math } = (await context.servers()).ready;
  const child = await startChild<Record<string, never>>("./children/clients.ts", [], { exposeGc: true });
  try {
    const { before, after } = await child.request<{ before: number; after: number }>("measure", { kind, url: `${math}/mcp`, count });
    return (after - before) / count / KIB;
  } finally {
    await child.close();
  }
}

export const memorySuite: Suite = {
  name: "memory",
  async run(context) {
    const sessions = context.quick ? 100 : 1000;
    for (const transport of ["sse", "http"] as const) {
      context.log(`memory: server RSS with ${sessions} idle ${transport} sessions`);
      await serverPerSession(context, transport, sessions);
    }
    const connections = context.quick ? 20 : 200;
    context.log(`memory: client RSS with ${connections} connections`);
    const sdk = await clientPerConnection(context, "sdk", connections);
    const adapter = await clientPerConnection(context, "adapter", connections);
    context.recorder.add("memory/client/sdk/per-connection", "KiB", sdk);
    context.recorder.add("memory/client/adapter/per-connection", "KiB", adapter, "memory/client/sdk/per-connection");
  },
};
