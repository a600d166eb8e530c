/**
 * The composition root: which servers, ports, environment variables, checkpointer and model this
 * application uses. The entry points (cli/, evals/, bench/) build what they need from here and from
 * the public faces of servers/, adapters/ and graph/.
 */
export { createAppGraph } from "./app-graph.js";
export { CheckpointerError, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_THREADS_DB, openCheckpointer, type Checkpointer, type CheckpointerOptions } from "./checkpointer.js";
export { createChatModel, defaultModelName, DEFAULT_MODEL_RETRIES, DEFAULT_OPENAI_MODEL, MODEL_PROVIDERS, ModelConfigError, OFFLINE_MODEL, parseModelName, type ModelName, type ModelRequestOptions } from "./models.js";
export { ModelHttpError, modelFetch, type ModelHttpOptions } from "./model-http.js";
export { createSampler, DEFAULT_SAMPLING_TIMEOUT_MS, MAX_SAMPLING_TOKENS, SamplingUnsupportedError, samplingMessages, type SamplerOptions } from "./sampling.js";
export { NoServerReachableError, openServers, workingDirectoryRoot, type OpenServersOptions, type ServerSession } from "./connect.js";
export { defaultServers, ensureLocalServers, ServerAuthError, ServerPortInUseError, type EnsureOptions, type LocalServer, type LocalServers } from "./servers.js";
export { readSettings, SettingsError, type ModelCredentials, type Settings } from "./settings.js";
