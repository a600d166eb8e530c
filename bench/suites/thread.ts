/**
 * (7) Conversations on a thread, with the SQLite checkpointer the CLI uses and its durability (one
 * checkpoint per turn): a turn on a thread that already has 50 turns against a thread's first turn,
 * and the checkpoint bytes one turn writes with our 3 tools and with ~500 (the catalog lives in the
 * runtime context, so it must not show).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServersConfig } from "../../adapters/index.js";
import { openCheckpointer, readSettings, type Checkpointer } from "../../app/index.js";
import { createGraph, type McpGraph } from "../../graph/index.js";
import { OfflineRouterModel } from "../../offline/index.js";
import { checkAnswer, QUESTIONS, serversConfig } from "../questions.js";
import { interleave, summarize, type Variant } from "../stats.js";
import type { Suite } from "../suite.js";

const EARLIER_TURNS = 50;
/** Synthetic servers added to math and weather for the large catalog: 49 × 10 + 3 tools. */
const EXTRA_SERVERS = 49;

interface Store {
  checkpointer: Checkpointer;
  /** Bytes of checkpoints, metadata and pending writes stored for a thread. */
  bytesOf(threadId: string): number;
}

/** The CLI's own store: a SQLite file, here in a temporary directory. */
async function openStore(dir: string): Promise<Store> {
  const checkpointer = await openCheckpointer(readSettings({}), { db: join(dir, "threads.db") });
  const db = (checkpointer.saver as unknown as { db: { prepare(sql: string): { get(...args: unknown[]): unknown } } }).db;
  return {
    checkpointer,
    bytesOf(threadId) {
      const checkpoints = db.prepare("SELECT COALESCE(SUM(LENGTH(checkpoint) + LENGTH(metadata)), 0) AS n FROM checkpoints WHERE thread_id = ?").get(threadId) as { n: number };
      const writes = db.prepare("SELECT COALESCE(SUM(LENGTH(value)), 0) AS n FROM writes WHERE thread_id = ?").get(threadId) as { n: number };
      return checkpoints.n + writes.n;
    },
  };
}

export const threadSuite: Suite = {
  name: "thread",
  async run(context) {
    const servers = serversConfig((await context.servers()).ready);
    const extra = (await context.manyServers()).ready.urls.slice(0, EXTRA_SERVERS);
    const large: ServersConfig = { ...servers, ...Object.fromEntries(extra.map((url, index) => [`svc${index}`, { url }])) };
    const dir = await mkdtemp(join(tmpdir(), "mcp-graph-bench-"));
    const store = await openStore(dir);
    const graph = createGraph({ model: new OfflineRouterModel(), servers, checkpointer: store.checkpointer.saver });
    const graphLarge = createGraph({ model: new OfflineRouterModel(), servers: large, checkpointer: store.checkpointer.saver });
    let threads = 0;
    let next = 0;
    const turn = async (target: McpGraph, configurable: Record<string, string>) => {
      const item = QUESTIONS[next++ % QUESTIONS.length]!;
      checkAnswer(item, await target.invoke({ question: item.question }, { configurable, durability: "exit" }));
    };
    try {
      // A thread with 50 turns; each timed turn forks from its last checkpoint, so every sample has
      // exactly 50 turns behind it.
      const long = "long-thread";
      for (let i = 0; i < EARLIER_TURNS; i++) await turn(graph, { thread_id: long });
      const fiftieth = (await graph.getState({ configurable: { thread_id: long } })).config.configurable?.checkpoint_id as string;

      const variants: Variant[] = [
        { name: "first-turn", run: () => turn(graph, { thread_id: `first-${++threads}` }) },
        { name: "after-50-turns", run: () => turn(graph, { thread_id: long, checkpoint_id: fiftieth }) },
      ];
      context.log(`thread: a first turn vs a turn after ${EARLIER_TURNS}, SQLite checkpointer; checkpoint bytes with 3 and ~500 tools`);
      const samples = await interleave(variants, context.quick ? { warmup: 3, rounds: 2, batch: 3 } : { warmup: 20, rounds: 20, batch: 10 });
      const { recorder } = context;
      recorder.addLatency("thread/first-turn", summarize(samples.get("first-turn")!));
      recorder.addLatency(`thread/after-${EARLIER_TURNS}-turns`, summarize(samples.get("after-50-turns")!), "thread/first-turn");
      recorder.target(
        `thread: turn after ${EARLIER_TURNS} turns ÷ first turn (median)`,
        "<=",
        1.5,
        recorder.get(`thread/after-${EARLIER_TURNS}-turns`) / recorder.get("thread/first-turn"),
      );

      // The same single-call question on a fresh thread, measured on each catalog.
      const bytes = async (target: McpGraph, threadId: string) => {
        await target.invoke({ question: QUESTIONS[0]!.question }, { configurable: { thread_id: threadId }, durability: "exit" });
        return store.bytesOf(threadId);
      };
      const small = await bytes(graph, "bytes-3-tools");
      const big = await bytes(graphLarge, "bytes-500-tools");
      recorder.add("thread/checkpoint-bytes-per-turn/3-tools", "bytes", small);
      recorder.add("thread/checkpoint-bytes-per-turn/500-tools", "bytes", big, "thread/checkpoint-bytes-per-turn/3-tools");
      recorder.target("thread: checkpoint bytes per turn, 500 tools ÷ 3 tools", "<=", 1.1, big / small);
    } finally {
      await Promise.allSettled([graph.close(), graphLarge.close()]);
      await store.checkpointer.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
