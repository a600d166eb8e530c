import type { EvalItem } from "./dataset.js";
import type { RunResult } from "./report.js";
import { scoreItem, type ItemOutcome, type ObservedCall, type TokenUsage } from "./score.js";

/** The parts of the graph's final state the eval reads (see `GraphState` in graph/state.ts). */
export interface AnsweredState {
  answer: string;
  calls: Array<{ server: string; tool: string; args: Record<string, unknown>; result?: string; isError: boolean }>;
  decision?: { reason?: string } | null;
  usage?: TokenUsage;
}

/** Answers one question; the eval wraps `graph.invoke({ question })`. */
export type AnswerFn = (question: string) => Promise<AnsweredState>;

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
  return { calls, answer: state.answer, latencyMs, ...(usage ? { usage } : {}) };
}

/** Runs and scores one item; a throwing graph becomes an item with `error`, never a failed run. */
export async function runItem(item: EvalItem, answer: AnswerFn): Promise<RunResult> {
  const started = performance.now();
  let outcome: ItemOutcome;
  let reason: string | undefined;
  try {
    const state = await answer(item.question);
    outcome = outcomeFromState(state, performance.now() - started);
    reason = state.decision?.reason || undefined;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    outcome = { calls: [], answer: "", latencyMs: performance.now() - started, error: message };
  }
  return { item, outcome, score: scoreItem(item, outcome), ...(reason ? { reason } : {}) };
}

/**
 * Runs every item with at most `concurrency` in flight, calling `onResult` as each finishes.
 * @returns results in dataset order, whatever order they finished in.
 */
export async function runItems(
  items: EvalItem[],
  answer: AnswerFn,
  options: { concurrency: number; onResult?: (result: RunResult) => void },
): Promise<RunResult[]> {
  const results = new Array<RunResult>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (!item) continue;
      const result = await runItem(item, answer);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
