import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { RunnableConfig } from "@langchain/core/runnables";
import { MultiServerClient, type ServersConfig, type ServerStatus, type ToolInfo } from "../adapters/index.js";
import { ensureConfiguration, type Configuration } from "./configuration.js";
import { LiveCalls } from "./elicitation.js";
import type { ModelResolver } from "./route-model.js";

/** The tools a run may use, with the version the state records. */
export interface Catalog {
  tools: readonly ToolInfo[];
  version: number;
}

/**
 * What the nodes share for the lifetime of a compiled graph: defaults, clients, models, and the tool
 * catalog (kept here rather than in every checkpoint).
 */
export interface GraphContext {
  defaults: Configuration;
  /** A connected client for the run's servers; the same one for every run that names the same servers. */
  clientFor(config: RunnableConfig | undefined): Promise<MultiServerClient>;
  /** The run's tools as the client holds them now. */
  catalogFor(config: RunnableConfig | undefined): Promise<Catalog>;
  /** The run's server statuses now. */
  statusFor(config: RunnableConfig | undefined): Promise<Record<string, ServerStatus>>;
  modelFor(name: string, timeoutMs: number): Promise<BaseChatModel>;
  /** Tool calls waiting across an interrupt for a person's answer to their server's question. */
  liveCalls: LiveCalls;
  /** Closes every client this context opened (not one passed in by the caller). */
  close(): Promise<void>;
}

export interface GraphContextOptions {
  defaults: Configuration;
  /** A client owned by the caller, used for every run whatever servers the run names. */
  client?: MultiServerClient;
  /** A fixed catalog instead of a client's (the route step benchmarked alone). */
  tools?: readonly ToolInfo[];
  /** A model instance owned by the caller, used whatever model name the run names. */
  model?: BaseChatModel;
  resolveModel?: ModelResolver;
}

export class UnknownModelError extends Error {
  constructor(name: string) {
    super(`no model resolver was given to the graph, so the model name "${name}" cannot be used`);
    this.name = "UnknownModelError";
  }
}

export function createGraphContext(options: GraphContextOptions): GraphContext {
  // Keyed by the servers' JSON so a Studio run that edits the servers gets its own connections,
  // while every other run reuses the warm ones.
  const clients = new Map<string, Promise<MultiServerClient>>();
  const models = new Map<string, Promise<BaseChatModel>>();
  // The client hands out one frozen catalog array until its tools change, so identity is the version.
  const versions = new WeakMap<readonly ToolInfo[], number>();
  let lastVersion = 0;
  const versionOf = (tools: readonly ToolInfo[]) => {
    let version = versions.get(tools);
    if (version === undefined) versions.set(tools, (version = ++lastVersion));
    return version;
  };

  const clientFor = (config: RunnableConfig | undefined): Promise<MultiServerClient> => {
    if (options.client) return Promise.resolve(options.client);
    const { servers } = ensureConfiguration(config, options.defaults);
    const key = JSON.stringify(servers satisfies ServersConfig);
    const cached = clients.get(key);
    if (cached) return cached;
    // Questions come to the calls that ask them (callTool's own handler); one no call claims is declined.
    const created = new MultiServerClient(servers, { onElicitation: () => Promise.resolve({ action: "decline" }) });
    const connected = created.connect().then(() => created);
    // A failed connect must not be cached: the next run tries again.
    connected.catch(() => clients.delete(key));
    clients.set(key, connected);
    return connected;
  };

  const liveCalls = new LiveCalls();
  return {
    defaults: options.defaults,
    liveCalls,
    clientFor,
    async catalogFor(config) {
      const tools = options.tools ?? (await clientFor(config)).catalog();
      return { tools, version: versionOf(tools) };
    },
    async statusFor(config) {
      return options.tools ? {} : (await clientFor(config)).status();
    },
    modelFor(name, timeoutMs) {
      if (options.model) return Promise.resolve(options.model);
      const key = `${name}\u0000${timeoutMs}`;
      let model = models.get(key);
      if (!model) {
        const resolve = options.resolveModel;
        model = resolve ? Promise.resolve().then(() => resolve(name, { timeoutMs })) : Promise.reject(new UnknownModelError(name));
        // A name that failed (a missing key, say) is tried again by the next run.
        model.catch(() => models.delete(key));
        models.set(key, model);
      }
      return model;
    },
    async close() {
      liveCalls.closeAll();
      const open = [...clients.values()];
      clients.clear();
      await Promise.allSettled(open.map(async (client) => (await client).close()));
    },
  };
}
