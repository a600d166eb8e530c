import { Command } from "@langchain/langgraph";
import type { GraphState, HumanInterrupt, HumanResponse, McpGraph } from "../graph/index.js";
import { formatUpdate, type ServersView } from "./report.js";

/** The approval a turn stopped at, as `--json` prints it. */
export interface PendingApproval {
  action: string;
  args: Record<string, unknown>;
  description?: string;
}

export interface TurnResult {
  state: GraphState;
  /** Set when the turn is waiting for a person to approve a call. */
  pending?: PendingApproval;
  timingsMs: Record<string, number>;
}

/** Runs one step of a thread (a new message, or the resume of an approval), printing each update. */
export async function runTurn(
  graph: McpGraph,
  input: { question: string } | { resume: HumanResponse },
  threadId: string,
  servers: ServersView,
  print?: (line: string) => void,
  /** Whether the discover lines of a catalog with this version are worth printing (default: always). */
  showCatalog: (version: number) => boolean = () => true,
): Promise<TurnResult> {
  const started = performance.now();
  const timingsMs: Record<string, number> = {};
  let last = started;
  const stream = await graph.stream("resume" in input ? new Command({ resume: input.resume }) : { question: input.question }, {
    configurable: { thread_id: threadId },
    streamMode: "updates",
    // One checkpoint per turn (and at an approval), not one per step: a turn is short, and a thread's
    // file then grows by one copy of the conversation per turn instead of six.
    durability: "exit",
  });
  for await (const chunk of stream) {
    const now = performance.now();
    for (const [node, update] of Object.entries(chunk as Record<string, Partial<GraphState>>)) {
      if (node === "__interrupt__") continue;
      timingsMs[node] = (timingsMs[node] ?? 0) + (now - last);
      if (node === "discover" && !showCatalog(update.catalog?.version ?? 0)) continue;
      if (print) for (const line of formatUpdate(node, update, servers)) print(line);
    }
    last = now;
  }
  timingsMs.total = performance.now() - started;
  return currentTurn(graph, threadId, timingsMs);
}

/** Where the thread stands now: its state and the approval it waits on, if any. */
export async function currentTurn(graph: McpGraph, threadId: string, timingsMs: Record<string, number> = {}): Promise<TurnResult> {
  const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
  const request = snapshot.tasks.flatMap((task) => task.interrupts.map((interrupt) => interrupt.value)).at(0);
  const pending = pendingOf(request);
  return { state: snapshot.values as GraphState, timingsMs, ...(pending ? { pending } : {}) };
}

function pendingOf(value: unknown): PendingApproval | undefined {
  const request = (Array.isArray(value) ? value[0] : value) as HumanInterrupt | undefined;
  if (!request?.action_request) return undefined;
  return { ...request.action_request, ...(request.description ? { description: request.description } : {}) };
}
