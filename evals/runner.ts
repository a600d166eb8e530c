import { randomUUID } from "node:crypto";
import { runGroups, type EvalItem } from "./dataset.js";
import type { RunResult } from "./report.js";
import { scoreItem, type ItemOutcome, type ObservedCall, type TokenUsage } from "./score.js";

/** The parts of the graph's final state the eval reads (see `GraphState` in graph/state.ts). */
export interface AnsweredState {
  answer: string;
  calls: Array<{ server: string; tool: string; args: Record<string, unknown>; result?: string; isError: boolean }>;
  decision?: { reason?: string } | null;
  usage?: TokenUsage;
  /** Set when the turn's model request failed: the item did not get a fair try. */
  modelFailure?: string;
}

/**
 * Where a question is asked: the thread it belongs to. Every turn of a dialogue gets the same
 * thread, after the turns before it; every other question a thread of its own.
 */
export interface AskContext {
  threadId: string;
}

/** Answers one message on its thread; the eval wraps `graph.invoke`, whose state holds this turn's calls and answer. */
export type AnswerFn = (question: string, context: AskContext) => Promise<AnsweredState>;

function outcomeFromState(state: AnsweredState, latencyMs: number): ItemOutcome {
  const calls: ObservedCall[] = state.calls.map((c) => ({
    server: c.server,
    tool: c.tool,
    args: c.args,
    isError: c.isError,
    ...(c.result === undefined ? {} : { result: c.result }),
  }));
  // The graph starts usage at zero; zero means the provider reported nothing (the offline model).
  const usage = state.usage && state.usage.totalTokens > 0 ? state.usage : undefined;
  return {
    calls,
    answer: state.answer,
    latencyMs,
    ...(usage ? { usage } : {}),
    ...(state.modelFailure ? { error: `model failed: ${state.modelFailure}` } : {}),
  };
}

/** A graph that keeps a conversation per thread: its input is the user's message, its state this turn's outcome. */
export interface ThreadedGraph {
  invoke(
    input: { messages: Array<{ role: "user"; content: string }> },
    config: { configurable: { thread_id: string } },
  ): Promise<AnsweredState>;
}

/** Asks each message as the next user message of its thread (the graph needs a checkpointer for that). */
export function askOnThreads(graph: ThreadedGraph): AnswerFn {
  return (question, { threadId }) => graph.invoke({ messages: [{ role: "user", content: question }] }, { configurable: { thread_id: threadId } });
}

/** Runs and scores one item; a throwing graph becomes an item with `error`, never a failed run. */
export async function runItem(item: EvalItem, answer: AnswerFn, context: AskContext = { threadId: randomUUID() }): Promise<RunResult> {
  const started = performance.now();
  let outcome: ItemOutcome;
  let reason: string | undefined;
  try {
    const state = await answer(item.question, context);
    outcome = outcomeFromState(state, performance.now() - started);
    reason = state.decision?.reason || undefined;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    outcome = { calls: [], answer: "", latencyMs: performance.now() - started, error: message };
  }
  return { item, outcome, score: scoreItem(item, outcome), ...(reason ? { reason } : {}) };
}

/**
 * Runs every item with at most `concurrency` questions or dialogues in flight, calling `onResult` as
 * each item finishes. A dialogue's turns run one after another on one thread (a fresh id per run, so
 * a checkpointer that outlives the run never mixes two runs); a turn runs even when an earlier one
 * failed, on the thread as it then is.
 * @returns results in dataset order, whatever order they finished in.
 */
export async function runItems(
  items: EvalItem[],
  answer: AnswerFn,
  options: { concurrency: number; onResult?: (result: RunResult) => void },
): Promise<RunResult[]> {
  const run = randomUUID();
  const position = new Map(items.map((item, index) => [item, index]));
  const groups = runGroups(items);
  const results = new Array<RunResult>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++];
      if (!group) continue;
      const threadId = `${run}:${group[0]!.dialogue?.id ?? group[0]!.id}`;
      for (const item of group) {
        const result = await runItem(item, answer, { threadId });
        results[position.get(item)!] = result;
        options.onResult?.(result);
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, groups.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
