import { createGraph, type CreateGraphOptions, type McpGraph } from "../graph/index.js";
import { createChatModel, defaultModelName } from "./models.js";
import { defaultServers } from "./servers.js";
import type { Settings } from "./settings.js";

export type AppGraphOptions = Omit<CreateGraphOptions, "model"> &
  Partial<Pick<CreateGraphOptions, "model">> & {
    /** Where a real model's retries are announced; standard error unless given. */
    onModelRetry?: (message: string) => void;
  };

/**
 * The application's graph for these settings: our servers (unless `servers` or `client` says
 * otherwise), the default model, and model names resolved by {@link createChatModel}.
 */
export function createAppGraph(settings: Settings, overrides: AppGraphOptions = {}): McpGraph {
  const { onModelRetry, ...options } = overrides;
  return createGraph({
    servers: defaultServers(settings.servers),
    resolveModel: (name, { timeoutMs }) => createChatModel(name, settings.model, { timeoutMs, ...(onModelRetry ? { onRetry: onModelRetry } : {}) }),
    ...options,
    model: options.model ?? defaultModelName(settings.model),
  });
}
