import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AsyncCaller, type FailedAttemptHandler } from "@langchain/core/utils/async_caller";
import { OfflineRouterModel } from "../offline/index.js";
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

/**
 * Turns a model name into a chat model: "offline", "openai:<name>", or a bare name for ChatOpenAI
 * (which is what Ollama, vLLM, LM Studio and llama.cpp speak through `OPENAI_BASE_URL`). The OpenAI
 * package is loaded only here, when a real model is asked for.
 * @throws {ModelConfigError} for a ChatOpenAI model with neither an API key nor a base URL.
 */
export async function createChatModel(name: string, credentials: ModelCredentials): Promise<BaseChatModel> {
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
  return new ChatOpenAI({
    model: modelName,
    temperature: 0,
    onFailedAttempt: retryUnlessMalformed,
    // Local OpenAI-compatible servers ignore the key, but the client refuses to start without one.
    apiKey: credentials.OPENAI_API_KEY || "not-needed",
    configuration: credentials.OPENAI_BASE_URL ? { baseURL: credentials.OPENAI_BASE_URL } : undefined,
  });
}

// LangChain's own policy (retry network errors, 5xx and rate limits with backoff; stop on other 4xx),
// read off a default caller because the package does not export it.
const providerRetryPolicy = (new AsyncCaller({}) as unknown as { onFailedAttempt: FailedAttemptHandler }).onFailedAttempt;

/**
 * In strict JSON-schema mode the OpenAI client parses the reply inside its retry loop, so a server that
 * ignores the schema and answers prose would be asked the same thing again six times with backoff.
 * A reply that is not JSON is not a transient fault: stop at once and let the route node hand the
 * problem back to the model, within its own bounded retries.
 */
function retryUnlessMalformed(error: unknown): unknown {
  if (error instanceof SyntaxError) throw error;
  return providerRetryPolicy(error);
}
