/**
 * Public face of the adapter: one client for many MCP servers, their tools as a catalog and as
 * LangChain tools. Everything else in this folder is internal.
 */
export { MultiServerClient, type CallOptions, type MultiServerClientOptions } from "./client.js";
export { loadServersConfig, parseServersConfig } from "./config.js";
export { attachOAuthProviders, type OAuthOptions } from "./auth/login.js";
export { OAuthProvider, type OAuthHost } from "./auth/provider.js";
export { AuthConfigSchema, type AuthConfig } from "./auth/schema.js";
export { defaultTokenStorePath, FileTokenStore, type StoredCredentials } from "./auth/store.js";
export {
  ConfigError,
  ConnectionLostError,
  InvalidToolArgumentsError,
  OAuthLoginRequiredError,
  ServerUnavailableError,
  ServerUnresponsiveError,
  ToolCallAbortedError,
  ToolExecutionError,
  ToolProtocolError,
  ToolTimeoutError,
  UnknownServerError,
  UnknownToolError,
} from "./errors.js";
export { MAX_TOOL_NAME_LENGTH } from "./naming.js";
export {
  boundText,
  DEFAULT_MAX_RESULT_CHARS,
  describeResult,
  MEDIA_KINDS,
  modelContent,
  type MediaKind,
  type ModelContent,
  type ModelContentBlock,
  type Multimodal,
  type ResultContentOptions,
} from "./content.js";
export { resultText } from "./tools.js";
export { completeElicitResult, MAX_ELICITATION_WAIT_MS, withDefaults, type ElicitationHandler, type ElicitationParams, type ElicitRequestFormParams, type ElicitRequestURLParams, type ElicitResult } from "./elicitation.js";
export {
  MAX_SAMPLING_INPUT_CHARS,
  MAX_SAMPLING_MEDIA_CHARS,
  MAX_SAMPLING_OUTPUT_CHARS,
  MAX_SAMPLING_WAIT_MS,
  SAMPLING_DECLINED_CODE,
  SamplingDeclinedError,
  type CreateMessageResult,
  type SamplingHandler,
  type SamplingParams,
} from "./sampling.js";
export { LOG_BURST, LOG_RATE_PER_SECOND, MAX_LOG_CHARS, MAX_PROGRESS_MESSAGE_CHARS, type LogMessage, type ProgressUpdate } from "./notifications.js";
export {
  HttpServerConfigSchema,
  ServerConfigSchema,
  ServersConfigSchema,
  StdioServerConfigSchema,
  type HttpServerConfig,
  type JsonSchemaObject,
  type LogLevel,
  type Root,
  type ServerConfig,
  type ServersConfig,
  type ServerState,
  type ServerStatus,
  type StdioServerConfig,
  type ToolAnnotations,
  type ToolInfo,
  type TransportKind,
} from "./types.js";
export { validateToolArguments } from "./validation.js";
export type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
