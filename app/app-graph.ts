import { createGraph, type CreateGraphOptions, type McpGraph } from "../graph/index.js";
import { createChatModel, defaultModelName } from "./models.js";
import { defaultServers } from "./servers.js";
import type { Settings } from "./settings.js";

export type AppGraphOptions = Omit<CreateGraphOptions, "model"> & Partial<Pick<CreateGraphOptions, "model">>;

/**
 * The application's graph for these settings: our servers (unless `servers` or `client` says
 * otherwise), the default model, and model names resolved by {@link createChatModel}.
 */
export function createAppGraph(settings: Settings, overrides: AppGraphOptions = {}): McpGraph {
  return createGraph({
    servers: defaultServers(settings.servers),
    resolveModel: (name) => createChatModel(name, settings.model),
    ...overrides,
    model: overrides.model ?? defaultModelName(settings.model),
  });
}
