export { buildGraph, createGraph, graph, type CreateGraphOptions, type McpGraph } from "./graph.js";
export { ConfigurationAnnotation, ensureConfiguration, type Configuration } from "./configuration.js";
export { StateAnnotation, InputAnnotation, questionState, type GraphState, type CallRecord, type TokenUsage } from "./state.js";
export { createChatModel, defaultModelName, ModelConfigError, OFFLINE_MODEL, DEFAULT_OPENAI_MODEL } from "./model.js";
export { InvalidQuestionError } from "./nodes/discover.js";
export { readEnvironment, type ServerEndpoints } from "./environment.js";
