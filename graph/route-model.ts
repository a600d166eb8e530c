import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";

/** Turns a model name from a run's configuration into a chat model; given by whoever creates the graph. */
export type ModelResolver = (name: string, request: { timeoutMs: number }) => BaseChatModel | Promise<BaseChatModel>;

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
  // By the model's type name rather than `instanceof ChatOpenAI`, so the OpenAI package loads only when used.
  const options =
    model._llmType() === "openai"
      ? ({ name: "route", method: "jsonSchema", strict: true, includeRaw: true } as const)
      : ({ name: "route", includeRaw: true } as const);
  return model.withStructuredOutput(schema, options) as Runnable<BaseMessage[], StructuredReply>;
}
