/**
 * Public face of the graph: discover → route ⇄ callTool → respond over the tools of any MCP servers.
 * Importing it reads no environment and starts nothing; `createGraph` is given its servers and model.
 */
export { buildGraph, createGraph, createRouteNode, DEFAULT_APPROVAL, DEFAULT_CALL_TIMEOUT_MS, DEFAULT_MAX_ROUTE_RETRIES, DEFAULT_MAX_STEPS, DEFAULT_MODEL_TIMEOUT_MS, type CreateGraphOptions, type McpGraph } from "./graph.js";
export { APPROVAL_POLICIES, ConfigurationAnnotation, ensureConfiguration, type ApprovalPolicy, type Configuration } from "./configuration.js";
export { approvalReason, HumanResponseSchema, InvalidApprovalError, parseHumanResponse, type HumanInterrupt, type HumanResponse } from "./approval.js";
export { StateAnnotation, InputAnnotation, turnState, type ApprovalRecord, type GraphState, type GraphUpdate, type CallRecord, type TokenUsage } from "./state.js";
export { messageText } from "./messages.js";
export { ElicitationAnswerSchema, readElicitationAnswer, type ElicitationAnswer, type ElicitationInterrupt, type FormElicitationInterrupt, type ToolProgressEvent, type UrlElicitationInterrupt } from "./elicitation.js";
export { UnknownModelError } from "./context.js";
export { withRouteSchema, type ModelResolver, type RouteModel, type StructuredReply } from "./route-model.js";
export { ROUTE_FEEDBACK_NAME, ROUTE_SYSTEM_PROMPT } from "./prompts.js";
export { InvalidQuestionError } from "./nodes/discover.js";
export { buildRouteSchema, parseRouteOutput, type ParseRouteResult, type RouteDecision, type RouteOutput } from "./routing/index.js";
