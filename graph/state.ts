import type { BaseMessage } from "@langchain/core/messages";
import { Annotation, messagesStateReducer, type Messages } from "@langchain/langgraph";
import type { RouteOutput } from "./routing/index.js";

/** One tool call the graph made, as the user and the eval suite see it. */
export interface CallRecord {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  /** The whole text of the result as `describeResult` renders it (its error message when `isError`); the model reads it bounded. */
  result: string;
  isError: boolean;
  /** `structuredContent` of the MCP result, when the tool returned one. */
  structured?: Record<string, unknown>;
  durationMs: number;
}

/**
 * What a person decided at an approval; `auto` when the policy let the call through, `unasked` when
 * it needed a person but the graph has no checkpointer to wait on one (the call was not made).
 */
export interface ApprovalRecord {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  decision: "auto" | "unasked" | "accept" | "edit" | "ignore" | "response";
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/**
 * The catalog as a checkpoint keeps it: its size does not grow with the number of tools or servers
 * that answer (only with those that do not), so a thread's checkpoints stay small with 500 tools.
 */
export interface CatalogSummary {
  /** Changes whenever the servers' tools change, so a person can tell two catalogs apart. */
  version: number;
  /** Servers connected, and the tools they offer. */
  servers: number;
  tools: number;
  /** Servers that were not connected, with why: "failed: connection refused". */
  unavailable: Record<string, string>;
}

const latest = <T>(initial: () => T) => Annotation<T>({ reducer: (_, next) => next, default: initial });
const messages = () => Annotation<BaseMessage[], Messages>({ reducer: messagesStateReducer, default: () => [] });

/**
 * The graph's input: new messages for the thread (what Studio's Chat, agent-chat-ui and SDK clients
 * send), or `question`, a shorthand for one user message.
 */
export const InputAnnotation = Annotation.Root({
  messages: messages(),
  question: Annotation<string>,
});

/**
 * A thread's state. `messages` accumulates over every turn of the thread; the fields below it are
 * this turn's and start afresh with each new user message. The tool definitions themselves are not
 * here: they live in the runtime context, so a checkpoint keeps only what a person debugging needs.
 */
export const StateAnnotation = Annotation.Root({
  /** The conversation: user messages, each tool call with its result, the graph's answers. */
  messages: messages(),
  /** Input shorthand for one user message; cleared once it became a message. */
  question: latest(() => ""),
  /** The catalog this turn routes over, in a few numbers, and every server that was not connected. */
  catalog: latest<CatalogSummary>(() => ({ version: 0, servers: 0, tools: 0, unavailable: {} })),
  /** The latest route decision with its reason; null until the model has routed this turn. */
  decision: latest<RouteOutput | null>(() => null),
  calls: latest<CallRecord[]>(() => []),
  approvals: latest<ApprovalRecord[]>(() => []),
  errors: latest<string[]>(() => []),
  /** Set when this turn's model request failed (the provider was down, timed out, or answered nonsense). */
  modelFailure: latest(() => ""),
  /** Why the last routes were invalid, sent back to the model with the thread; this turn only. */
  feedback: latest<string[]>(() => []),
  /** Tool calls made this turn, bounded by `maxSteps`. */
  steps: latest(() => 0),
  /** Invalid routes in a row; reset by a valid one. */
  invalidRoutes: latest(() => 0),
  usage: latest<TokenUsage>(() => ({ inputTokens: 0, outputTokens: 0, totalTokens: 0 })),
  /** This turn's answer: the text of the last AI message. */
  answer: latest(() => ""),
});

export type GraphState = typeof StateAnnotation.State;
export type GraphUpdate = typeof StateAnnotation.Update;

/** The per-turn fields as a new turn starts them: everything but the thread's messages. */
export function turnState(): Omit<GraphState, "messages" | "catalog"> {
  return {
    question: "",
    decision: null,
    calls: [],
    approvals: [],
    errors: [],
    modelFailure: "",
    feedback: [],
    steps: 0,
    invalidRoutes: 0,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    answer: "",
  };
}
