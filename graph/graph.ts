import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { DEFAULT_MAX_RESULT_CHARS, type MultiServerClient, type Multimodal, type ServersConfig } from "../adapters/index.js";
import { ConfigurationAnnotation, type ApprovalPolicy, type Configuration } from "./configuration.js";
import { createGraphContext, type GraphContext } from "./context.js";
import type { ToolInfo } from "../adapters/index.js";
import { afterApprove, approve } from "./nodes/approve.js";
import { callTool } from "./nodes/call-tool.js";
import { discover } from "./nodes/discover.js";
import { respond } from "./nodes/respond.js";
import { route, ROUTE_NEXT, routeUpdate } from "./nodes/route.js";
import type { ModelResolver } from "./route-model.js";
import { InputAnnotation, StateAnnotation } from "./state.js";

export const DEFAULT_MAX_STEPS = 5;
export const DEFAULT_MAX_ROUTE_RETRIES = 2;
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
export const DEFAULT_MODEL_TIMEOUT_MS = 60_000;
export const DEFAULT_APPROVAL: ApprovalPolicy = "writes";

/**
 * The graph's shape: discover → route → (approve →) callTool → route … → respond. Static; nodes decide
 * the branch. `approve` is where a call that needs a person interrupts the run; a call the approval
 * policy lets run unasked goes from `route` to `callTool`.
 */
export function buildGraph(context: GraphContext) {
  return new StateGraph({ stateSchema: StateAnnotation, input: InputAnnotation }, ConfigurationAnnotation)
    .addNode("discover", discover(context))
    .addNode("route", route(context), { ends: ROUTE_NEXT })
    .addNode("approve", approve(context))
    .addNode("callTool", callTool(context))
    .addNode("respond", respond(context))
    .addEdge(START, "discover")
    .addEdge("discover", "route")
    .addConditionalEdges("approve", afterApprove, ["callTool", "respond", "route"])
    .addEdge("callTool", "route")
    .addEdge("respond", END);
}

export interface CreateGraphOptions {
  /** A model name (resolved by `resolveModel`) or any LangChain chat model; runs may name another. */
  model: string | BaseChatModel;
  /** Turns model names ("offline", "openai:gpt-4o", …) into chat models, for `model` and for runs that name one. */
  resolveModel?: ModelResolver;
  /** The servers to use when a run does not name its own. Required unless `client` is given. */
  servers?: ServersConfig;
  /**
   * A client the caller owns (and closes); every run uses it. Give it an `onElicitation` (one that
   * declines will do) for servers' questions to pause runs as interrupts: the graph answers each
   * call's questions itself, but only a client with a handler declares elicitation and takes them.
   */
  client?: MultiServerClient;
  maxSteps?: number;
  maxRouteRetries?: number;
  callTimeoutMs?: number;
  /** Bound on one request to a real model (passed to `resolveModel`), in milliseconds. */
  modelTimeoutMs?: number;
  /** Which calls a person approves first (default `writes`: every tool not annotated read-only). */
  approval?: ApprovalPolicy;
  /** Bound on the characters of text one tool result gives the model (default 16 000). */
  maxResultChars?: number;
  /** Media the model reads in tool results: `false` (default), `true` (images and audio) or a list. */
  multimodal?: Multimodal;
  /** Where threads are kept; without one every run starts a new conversation and approvals cannot pause. */
  checkpointer?: BaseCheckpointSaver;
}

/**
 * Compiles the graph. It reads no environment: its creator (app/, a test, your code) hands it the
 * servers and the model. Runs may override every default through `configurable`.
 * The returned graph has `close()`, which closes the connections it opened itself.
 * @throws {TypeError} when neither `servers` nor `client` is given.
 */
export function createGraph(options: CreateGraphOptions) {
  if (!options.servers && !options.client) throw new TypeError("createGraph needs `servers` or a `client`");
  const defaults: Configuration = {
    model: typeof options.model === "string" ? options.model : "custom",
    servers: options.servers ?? {},
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    maxRouteRetries: options.maxRouteRetries ?? DEFAULT_MAX_ROUTE_RETRIES,
    callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    modelTimeoutMs: options.modelTimeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS,
    approval: options.approval ?? DEFAULT_APPROVAL,
    maxResultChars: options.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS,
    multimodal: options.multimodal ?? false,
  };
  const context = createGraphContext({
    defaults,
    client: options.client,
    model: typeof options.model === "object" ? options.model : undefined,
    resolveModel: options.resolveModel,
  });
  const compiled = buildGraph(context).compile({ checkpointer: options.checkpointer });
  compiled.name = "mcp-graph";
  return Object.assign(compiled, { close: () => context.close() });
}

export type McpGraph = ReturnType<typeof createGraph>;

/**
 * The route step alone, outside a compiled graph, for benchmarks and custom graphs: one model decides
 * over a fixed set of tools, with the graph's defaults unless given.
 */
export function createRouteNode(model: BaseChatModel, tools: readonly ToolInfo[], defaults: Partial<Configuration> = {}) {
  const context = createGraphContext({
    defaults: {
      model: "custom",
      servers: {},
      maxSteps: DEFAULT_MAX_STEPS,
      maxRouteRetries: DEFAULT_MAX_ROUTE_RETRIES,
      callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS,
      modelTimeoutMs: DEFAULT_MODEL_TIMEOUT_MS,
      approval: DEFAULT_APPROVAL,
      maxResultChars: DEFAULT_MAX_RESULT_CHARS,
      multimodal: false,
      ...defaults,
    },
    model,
    tools,
  });
  return routeUpdate(context);
}
