import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { Annotation } from "@langchain/langgraph";
import type { ServerStatus, ToolInfo } from "../adapters/index.js";
import type { RouteOutput } from "./routing/index.js";

/** One tool call the graph made, as the user and the eval suite see it. */
export interface CallRecord {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  /** The text the tool returned (its error message when `isError`). */
  result: string;
  isError: boolean;
  /** `structuredContent` of the MCP result, when the tool returned one. */
  structured?: Record<string, unknown>;
  durationMs: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/**
 * Every field holds the latest value a node wrote. Nodes run one after another and write whole values,
 * so a second question on the same thread (Studio keeps threads) starts from a clean slate in discover.
 */
const latest = <T>(initial: () => T) => Annotation<T>({ reducer: (_, next) => next, default: initial });

/** The graph's input: a question. */
export const InputAnnotation = Annotation.Root({
  question: Annotation<string>,
});

export const StateAnnotation = Annotation.Root({
  question: Annotation<string>,
  /** The routing conversation: the question, each tool call and its result, retry feedback, the answer. */
  messages: latest<BaseMessage[]>(() => []),
  /** Tools discovered on the servers that answered. */
  catalog: latest<readonly ToolInfo[]>(() => []),
  /** Status of every configured server when the question was asked. */
  servers: latest<Record<string, ServerStatus>>(() => ({})),
  /** The latest route decision with its reason; null until the model has routed. */
  decision: latest<RouteOutput | null>(() => null),
  calls: latest<CallRecord[]>(() => []),
  errors: latest<string[]>(() => []),
  /** Tool calls made so far, bounded by `maxSteps`. */
  steps: latest(() => 0),
  /** Invalid routes in a row; reset by a valid one. */
  invalidRoutes: latest(() => 0),
  usage: latest<TokenUsage>(() => ({ inputTokens: 0, outputTokens: 0, totalTokens: 0 })),
  answer: latest(() => ""),
});

export type GraphState = typeof StateAnnotation.State;
export type GraphUpdate = typeof StateAnnotation.Update;

/**
 * The state a question starts from once its tools are known: every per-question field reset, so a
 * thread that already answered a question (Studio keeps threads) carries nothing over.
 */
export function questionState(question: string, catalog: readonly ToolInfo[], servers: Record<string, ServerStatus>): GraphState {
  return {
    question,
    messages: [new HumanMessage(question)],
    catalog,
    servers,
    decision: null,
    calls: [],
    errors: [],
    steps: 0,
    invalidRoutes: 0,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    answer: "",
  };
}
