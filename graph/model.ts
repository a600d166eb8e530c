import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import { AsyncCaller, type FailedAttemptHandler } from "@langchain/core/utils/async_caller";
import { ChatOpenAI } from "@langchain/openai";
import { OfflineRouterModel } from "./offline/index.js";

export const OFFLINE_MODEL = "offline";
export const DEFAULT_OPENAI_MODEL = "openai:gpt-4o";

/** Where a real model's credentials come from; read from the environment by whoever creates the graph. */
export interface ModelEnvironment {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
}

export class ModelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelConfigError";
  }
}

/** The offline router unless an OpenAI key is configured. */
export function defaultModelName(env: ModelEnvironment): string {
  return env.OPENAI_API_KEY ? DEFAULT_OPENAI_MODEL : OFFLINE_MODEL;
}

/**
 * Turns a model name into a chat model: "offline", "openai:<name>", or a bare name for ChatOpenAI
 * (which is what Ollama, vLLM, LM Studio and llama.cpp speak through `OPENAI_BASE_URL`).
 * @throws {ModelConfigError} for a ChatOpenAI model with neither an API key nor a base URL.
 */
export function createChatModel(name: string, env: ModelEnvironment): BaseChatModel {
  const trimmed = name.trim();
  if (trimmed === OFFLINE_MODEL) return new OfflineRouterModel();
  const modelName = trimmed.startsWith("openai:") ? trimmed.slice("openai:".length) : trimmed;
  if (!modelName) throw new ModelConfigError(`model name is empty: ${JSON.stringify(name)}`);
  if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
    throw new ModelConfigError(
      `model "${trimmed}" needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server); ` +
        `use --model offline to run without one`,
    );
  }
  return new ChatOpenAI({
    model: modelName,
    temperature: 0,
    onFailedAttempt: retryUnlessMalformed,
    // Local OpenAI-compatible servers ignore the key, but the client refuses to start without one.
    apiKey: env.OPENAI_API_KEY || "not-needed",
    configuration: env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : undefined,
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

export interface StructuredReply {
  raw: BaseMessage;
  parsed: unknown;
}

/**
 * Binds the route schema as structured output. OpenAI models get strict JSON-schema mode, so the
 * provider itself enforces the schema; any other model gets its own default method. Either way the
 * caller validates `parsed`, because LangChain does not.
 */
export function withRouteSchema(model: BaseChatModel, schema: Record<string, unknown>): Runnable<BaseMessage[], StructuredReply> {
  const options =
    model instanceof ChatOpenAI
      ? ({ name: "route", method: "jsonSchema", strict: true, includeRaw: true } as const)
      : ({ name: "route", includeRaw: true } as const);
  return model.withStructuredOutput(schema, options) as Runnable<BaseMessage[], StructuredReply>;
}
