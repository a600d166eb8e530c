import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { defaultServersConfig, type MultiServerClient, type ServersConfig } from "../adapters/index.js";
import { ConfigurationAnnotation, type Configuration } from "./configuration.js";
import { createGraphContext, type GraphContext } from "./context.js";
import { readEnvironment } from "./environment.js";
import { defaultModelName } from "./model.js";
import { callTool } from "./nodes/call-tool.js";
import { discover } from "./nodes/discover.js";
import { respond } from "./nodes/respond.js";
import { afterRoute, route } from "./nodes/route.js";
import { InputAnnotation, StateAnnotation } from "./state.js";

export const DEFAULT_MAX_STEPS = 5;
export const DEFAULT_MAX_ROUTE_RETRIES = 2;
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** The graph's shape: discover → route ⇄ callTool, route → respond. Static; nodes decide the branch. */
export function buildGraph(context: GraphContext) {
  return new StateGraph({ stateSchema: StateAnnotation, input: InputAnnotation }, ConfigurationAnnotation)
    .addNode("discover", discover(context))
    .addNode("route", route(context))
    .addNode("callTool", callTool(context))
    .addNode("respond", respond)
    .addEdge(START, "discover")
    .addEdge("discover", "route")
    .addConditionalEdges("route", afterRoute, ["callTool", "respond", "route"])
    .addEdge("callTool", "route")
    .addEdge("respond", END);
}

export interface CreateGraphOptions {
  /** A model name ("offline", "openai:gpt-4o", …) or any LangChain chat model. */
  model?: string | BaseChatModel;
  /** The servers to use when a run does not name its own; our two local servers by default. */
  servers?: ServersConfig;
  /** A client the caller owns (and closes); every run uses it. */
  client?: MultiServerClient;
  maxSteps?: number;
  maxRouteRetries?: number;
  callTimeoutMs?: number;
  checkpointer?: BaseCheckpointSaver;
  /** Where defaults come from (API key, base URL, server ports). `process.env` unless given. */
  env?: Record<string, string | undefined>;
}

/**
 * Compiles the graph. Runs may override every default through `configurable`.
 * The returned graph has `close()`, which closes the connections it opened itself.
 */
export function createGraph(options: CreateGraphOptions = {}) {
  const { model: modelEnv, endpoints } = readEnvironment(options.env ?? process.env);
  const defaults: Configuration = {
    model: typeof options.model === "string" ? options.model : options.model ? "custom" : defaultModelName(modelEnv),
    servers: options.servers ?? defaultServersConfig(endpoints),
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    maxRouteRetries: options.maxRouteRetries ?? DEFAULT_MAX_ROUTE_RETRIES,
    callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
  };
  const context = createGraphContext({
    defaults,
    env: modelEnv,
    client: options.client,
    model: typeof options.model === "object" ? options.model : undefined,
  });
  const compiled = buildGraph(context).compile({ checkpointer: options.checkpointer });
  compiled.name = "mcp-graph";
  return Object.assign(compiled, { close: () => context.close() });
}

export type McpGraph = ReturnType<typeof createGraph>;


/** The compiled graph served by `langgraph.json` (LangGraph Studio) with the default configuration. */
export const graph = createGraph();

