import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { MultiServerClient, type ServersConfig } from "../adapters/index.js";
import type { Configuration } from "./configuration.js";
import type { ModelResolver } from "./route-model.js";

/** What the nodes share for the lifetime of a compiled graph: defaults, clients and models. */
export interface GraphContext {
  defaults: Configuration;
  /** A connected client for these servers; the same one for every run that names the same servers. */
  clientFor(servers: ServersConfig): Promise<MultiServerClient>;
  modelFor(name: string): Promise<BaseChatModel>;
  /** Closes every client this context opened (not one passed in by the caller). */
  close(): Promise<void>;
}

export interface GraphContextOptions {
  defaults: Configuration;
  /** A client owned by the caller, used for every run whatever servers the run names. */
  client?: MultiServerClient;
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

  return {
    defaults: options.defaults,
    clientFor(servers) {
      if (options.client) return Promise.resolve(options.client);
      const key = JSON.stringify(servers);
      const cached = clients.get(key);
      if (cached) return cached;
      const created = new MultiServerClient(servers);
      const connected = created.connect().then(() => created);
      // A failed connect must not be cached: the next run tries again.
      connected.catch(() => clients.delete(key));
      clients.set(key, connected);
      return connected;
    },
    modelFor(name) {
      if (options.model) return Promise.resolve(options.model);
      let model = models.get(name);
      if (!model) {
        const resolve = options.resolveModel;
        model = resolve ? Promise.resolve().then(() => resolve(name)) : Promise.reject(new UnknownModelError(name));
        // A name that failed (a missing key, say) is tried again by the next run.
        model.catch(() => models.delete(name));
        models.set(name, model);
      }
      return model;
    },
    async close() {
      const open = [...clients.values()];
      clients.clear();
      await Promise.allSettled(open.map(async (client) => (await client).close()));
    },
  };
}
