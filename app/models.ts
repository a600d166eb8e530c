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

/**
 * Turns a model name into a chat model: "offline", "openai:<name>", or a bare name for ChatOpenAI
 * (which is what Ollama, vLLM, LM Studio and llama.cpp speak through `OPENAI_BASE_URL`). The OpenAI
 * package is loaded only here, when a real model is asked for. Its requests go through
 * {@link modelFetch}: bounded, retried at most twice with an announcement, never silently.
 * @throws {ModelConfigError} for a ChatOpenAI model with neither an API key nor a base URL.
 */
export async function createChatModel(name: string, credentials: ModelCredentials, options: ModelRequestOptions = {}): Promise<BaseChatModel> {
  const trimmed = name.trim();
  if (trimmed === OFFLINE_MODEL) return new OfflineRouterModel();
  const modelName = trimmed.startsWith("openai:") ? trimmed.slice("openai:".length) : trimmed;
  if (!modelName) throw new ModelConfigError(`model name is empty: ${JSON.stringify(name)}`);
  if (!credentials.OPENAI_API_KEY && !credentials.OPENAI_BASE_URL) {
    throw new ModelConfigError(
      `model "${trimmed}" needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server); ` +
        `use --model offline to run without one`,
    );
  }
  const { ChatOpenAI } = await import("@langchain/openai");
  const baseUrl = credentials.OPENAI_BASE_URL ?? "https://api.openai.com/v1";
  return new ChatOpenAI({
    model: modelName,
    temperature: 0,
    // Retries are modelFetch's, bounded and announced; LangChain's own would add six silent ones.
    maxRetries: 0,
    // Local OpenAI-compatible servers ignore the key, but the client refuses to start without one.
    apiKey: credentials.OPENAI_API_KEY || "not-needed",
    configuration: {
      ...(credentials.OPENAI_BASE_URL ? { baseURL: credentials.OPENAI_BASE_URL } : {}),
      fetch: modelFetch({
        baseUrl,
        timeoutMs: options.timeoutMs ?? 60_000,
        retries: options.retries ?? DEFAULT_MODEL_RETRIES,
        ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
        onRetry: options.onRetry ?? ((message) => console.error(message)),
      }),
    },
  });
}
