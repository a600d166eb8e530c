import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { OfflineRouterModel } from "../offline/index.js";
import { modelFetch } from "./model-http.js";
import type { ModelCredentials } from "./settings.js";

export const OFFLINE_MODEL = "offline";
export const DEFAULT_OPENAI_MODEL = "openai:gpt-4o";

export class ModelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelConfigError";
  }
}

/** The offline router unless an OpenAI key is configured. */
export function defaultModelName(credentials: ModelCredentials): string {
  return credentials.OPENAI_API_KEY ? DEFAULT_OPENAI_MODEL : OFFLINE_MODEL;
}

/** How a real model's requests are bounded and retried (see `modelFetch`). */
export interface ModelRequestOptions {
  /** Bound on one request, in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Further attempts after a request that got no answer, a 5xx or a 429 (default 2). */
  retries?: number;
  retryDelayMs?: (attempt: number) => number;
  /** Where each retry is announced; standard error unless given. */
  onRetry?: (message: string) => void;
}

export const DEFAULT_MODEL_RETRIES = 2;

type Fields = Record<string, unknown>;

interface Provider {
  /** A credential the provider's client cannot start without, unless `unlessSet` names an endpoint. */
  needs?: { key: keyof ModelCredentials; unlessSet?: keyof ModelCredentials };
  /**
   * The constructor fields of the provider's LangChain class. `http` is {@link modelFetch} for a base
   * URL; a provider that takes no custom `fetch` leaves it unused and gets LangChain's own bounded
   * retries instead (`retriedBy: "langchain"`).
   */
  fields(credentials: ModelCredentials, http: (baseUrl: string) => typeof fetch): Fields;
  retriedBy: "modelFetch" | "langchain";
}

/**
 * The providers a model name may start with, as `initChatModel` spells them. Each gets its
 * credentials from the settings (never from the environment itself) and, where its client takes a
 * `fetch`, every request through {@link modelFetch}. The README's model table lists the same.
 */
const PROVIDERS: Record<string, Provider> = {
  openai: {
    needs: { key: "OPENAI_API_KEY", unlessSet: "OPENAI_BASE_URL" },
    retriedBy: "modelFetch",
    fields: (c, http) => ({
      // Local OpenAI-compatible servers ignore the key, but the client refuses to start without one.
      apiKey: c.OPENAI_API_KEY || "not-needed",
      configuration: {
        ...(c.OPENAI_BASE_URL ? { baseURL: c.OPENAI_BASE_URL } : {}),
        fetch: http(c.OPENAI_BASE_URL ?? "https://api.openai.com/v1"),
      },
    }),
  },
  anthropic: {
    needs: { key: "ANTHROPIC_API_KEY", unlessSet: "ANTHROPIC_BASE_URL" },
    retriedBy: "modelFetch",
    fields: (c, http) => ({
      apiKey: c.ANTHROPIC_API_KEY || "not-needed",
      ...(c.ANTHROPIC_BASE_URL ? { anthropicApiUrl: c.ANTHROPIC_BASE_URL } : {}),
      clientOptions: { fetch: http(c.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com") },
    }),
  },
  ollama: {
    retriedBy: "modelFetch",
    fields: (c, http) => {
      // Given even when it is the default, so ChatOllama does not read OLLAMA_BASE_URL itself.
      const baseUrl = c.OLLAMA_BASE_URL ?? "http://127.0.0.1:11434";
      return { baseUrl, fetch: http(baseUrl) };
    },
  },
  groq: {
    needs: { key: "GROQ_API_KEY" },
    retriedBy: "modelFetch",
    fields: (c, http) => ({ apiKey: c.GROQ_API_KEY, fetch: http("https://api.groq.com") }),
  },
  "google-genai": { needs: { key: "GOOGLE_API_KEY" }, retriedBy: "langchain", fields: (c) => ({ apiKey: c.GOOGLE_API_KEY }) },
  mistralai: { needs: { key: "MISTRAL_API_KEY" }, retriedBy: "langchain", fields: (c) => ({ apiKey: c.MISTRAL_API_KEY }) },
  // The AWS SDK finds credentials and region itself (variables, profiles, instance roles).
  bedrock: { retriedBy: "langchain", fields: () => ({}) },
};

/** The providers a model name may name, for help texts and errors. */
export const MODEL_PROVIDERS: readonly string[] = Object.keys(PROVIDERS);

/** A model name split into its provider and the provider's own model name. */
export interface ModelName {
  provider: string;
  model: string;
}

/**
 * Splits "provider:model" on the first colon when the part before it is a provider we know;
 * anything else is a ChatOpenAI model name, colons and all ("llama3.1:8b" through OPENAI_BASE_URL).
 * @throws {ModelConfigError} for an empty name.
 */
export function parseModelName(name: string): ModelName {
  const trimmed = name.trim();
  const colon = trimmed.indexOf(":");
  const prefix = colon > 0 ? trimmed.slice(0, colon) : "";
  if (prefix in PROVIDERS) {
    const model = trimmed.slice(colon + 1).trim();
    if (!model) throw new ModelConfigError(`model name is empty: ${JSON.stringify(name)} names the provider "${prefix}" but no model`);
    return { provider: prefix, model };
  }
  if (!trimmed) throw new ModelConfigError(`model name is empty: ${JSON.stringify(name)}`);
  return { provider: "openai", model: trimmed };
}

/**
 * Turns a model name into a chat model: "offline", "<provider>:<model>" for a provider in
 * {@link MODEL_PROVIDERS}, or a bare name for ChatOpenAI (which is what vLLM, LM Studio and llama.cpp
 * speak through `OPENAI_BASE_URL`). The provider's package is loaded only here, through LangChain's
 * `initChatModel`, and stays optional: a missing one is named with the command that installs it.
 * Where the provider's client takes a custom `fetch`, every request goes through {@link modelFetch}:
 * bounded, retried at most twice with an announcement, never silently.
 *
 * The model returned is the provider's own class (ChatOpenAI, ChatAnthropic, ChatOllama, …), not
 * `initChatModel`'s configurable wrapper: the wrapper would take the graph's own `configurable.model`
 * ("anthropic:…") as the provider's model name and build a new client for every distinct run config.
 * @throws {ModelConfigError} for an unusable name, a missing provider package or a missing credential.
 */
export async function createChatModel(name: string, credentials: ModelCredentials, options: ModelRequestOptions = {}): Promise<BaseChatModel> {
  if (name.trim() === OFFLINE_MODEL) return new OfflineRouterModel();
  const { provider, model } = parseModelName(name);
  const entry = PROVIDERS[provider]!;
  const label = name.trim();

  const { initChatModel, MODEL_PROVIDER_CONFIG } = await import("langchain/chat_models/universal");
  const prefix = label.split(":")[0]!;
  if (provider === "openai" && model === label && label.includes(":") && prefix in MODEL_PROVIDER_CONFIG) {
    // Sent to ChatOpenAI as it is, "xai:grok-2" would fail far from here, as an unknown model.
    throw new ModelConfigError(`model "${label}": the provider "${prefix}" is not one this application sets up (${MODEL_PROVIDERS.join(", ")})`);
  }
  const packageName = MODEL_PROVIDER_CONFIG[provider as keyof typeof MODEL_PROVIDER_CONFIG].package;
  if (!isInstalled(packageName)) {
    throw new ModelConfigError(`model "${label}" needs the ${packageName} package: npm install ${packageName}`);
  }
  if (entry.needs && !credentials[entry.needs.key] && !(entry.needs.unlessSet && credentials[entry.needs.unlessSet])) {
    const endpoint = entry.needs.unlessSet ? ` (or ${entry.needs.unlessSet} for a server that needs none)` : "";
    throw new ModelConfigError(`model "${label}" needs ${entry.needs.key}${endpoint}; use --model offline to run without one`);
  }

  const http = (baseUrl: string) =>
    modelFetch({
      baseUrl,
      timeoutMs: options.timeoutMs ?? 60_000,
      retries: options.retries ?? DEFAULT_MODEL_RETRIES,
      ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
      onRetry: options.onRetry ?? ((message) => console.error(message)),
    });
  const wrapper = await initChatModel(model, {
    modelProvider: provider,
    temperature: 0,
    // Retries are modelFetch's, bounded and announced; LangChain's own would add six silent ones.
    // A client without a custom fetch gets LangChain's, bounded the same.
    maxRetries: entry.retriedBy === "modelFetch" ? 0 : (options.retries ?? DEFAULT_MODEL_RETRIES),
    ...entry.fields(credentials, http),
  });
  return wrapper._getModelInstance();
}

/** Whether a package resolves from here, without loading it. */
function isInstalled(packageName: string): boolean {
  try {
    import.meta.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}
