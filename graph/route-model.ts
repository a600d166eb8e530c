import { callbackHandlerPrefersStreaming } from "@langchain/core/callbacks/base";
import type { StructuredOutputMethodOptions } from "@langchain/core/language_models/base";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { RunnableBinding, RunnableSequence, type Runnable, type RunnableConfig } from "@langchain/core/runnables";

/** Turns a model name from a run's configuration into a chat model; given by whoever creates the graph. */
export type ModelResolver = (name: string, request: { timeoutMs: number }) => BaseChatModel | Promise<BaseChatModel>;

export interface StructuredReply {
  raw: BaseMessage;
  parsed: unknown;
}

/**
 * LangGraph's `messages` stream mode skips model calls with this tag: a route is the graph's own
 * bookkeeping, not words for the user.
 */
export const NO_STREAM_TAG = "langsmith:nostream";

type RouteMethod = Pick<StructuredOutputMethodOptions<true>, "method" | "strict">;

/**
 * How each provider enforces the route schema best, by the model's `_llmType()` (so no provider
 * package loads to check): OpenAI's strict JSON-schema mode, where the provider itself holds the reply
 * to the schema; Anthropic's forced tool call (its tool input is the route); Ollama's `format` set to
 * the schema, which constrains decoding to it (Ollama cannot force a tool call). Any other model gets
 * its class's default method.
 */
const ROUTE_METHODS: Record<string, RouteMethod> = {
  openai: { method: "jsonSchema", strict: true },
  anthropic: { method: "functionCalling" },
  ollama: { method: "jsonSchema" },
};

const ROUTE_TOOL = "route";

/** The route step's model call: the thread in, the model's reply and the route it parsed out. */
export interface RouteModel {
  invoke(messages: BaseMessage[], config?: RunnableConfig): Promise<StructuredReply>;
}

/**
 * Binds the route schema as structured output, the way the model's provider supports it (see
 * {@link ROUTE_METHODS}), tagged so it never reaches the `messages` stream. Either way the caller
 * validates `parsed`, because LangChain does not.
 *
 * LangChain's `includeRaw` wraps the model and its parser in five more runs (a map for `raw`, an
 * assign and its fallback for `parsed`), which nearly doubled a route's model call in a warm question
 * (1.16 ms against 0.63 ms now). Every provider builds its structured output as model-then-parser, so
 * the two are run here one after the other instead, with the same outcome: a parser that fails gives
 * `parsed: null`. A model whose structured output has another shape gets the `includeRaw` pipeline.
 */
export function withRouteSchema(model: BaseChatModel, schema: Record<string, unknown>): RouteModel {
  const options = { name: ROUTE_TOOL, ...(ROUTE_METHODS[model._llmType()] ?? {}) };
  const tagged = (config: RunnableConfig | undefined): RunnableConfig => ({ ...config, tags: [...(config?.tags ?? []), NO_STREAM_TAG] });
  const steps = modelThenParser(model.withStructuredOutput(schema, { ...options, includeRaw: false }));
  if (!steps) {
    const pipeline = model.withStructuredOutput(schema, { ...options, includeRaw: true }) as Runnable<BaseMessage[], StructuredReply>;
    return { invoke: async (messages, config) => fromToolCall(await pipeline.invoke(messages, tagged(config))) };
  }
  return {
    async invoke(messages, config) {
      const run = tagged(config);
      const raw = (await steps.model.invoke(messages, run)) as BaseMessage;
      const parsed = await steps.parser.invoke(raw, run).catch(() => null);
      return fromToolCall({ raw, parsed });
    },
  };
}

/** The model and the parser of a structured-output sequence (`model.pipe(parser)`, named or not). */
function modelThenParser(structured: Runnable): { model: Runnable; parser: Runnable } | undefined {
  let inner = structured;
  // The run name is the binding's only setting; anything else it binds would be lost by unwrapping.
  if (RunnableBinding.isRunnableBinding(inner) && Object.keys(inner.kwargs ?? {}).length === 0 && Object.keys(inner.config ?? {}).every((key) => key === "runName")) {
    inner = inner.bound;
  }
  if (!(inner instanceof RunnableSequence) || inner.steps.length !== 2) return undefined;
  const [model, parser] = inner.steps as [Runnable, Runnable];
  return { model, parser };
}

/**
 * The route from the reply's tool call when the class's own parser found none. ChatAnthropic's parser
 * reads the `tool_use` content block, which a streamed reply (any run with a `messages` listener)
 * leaves empty, its input arriving in separate delta blocks; the tool call LangChain assembled from
 * them holds the arguments.
 */
function fromToolCall(reply: StructuredReply): StructuredReply {
  if (reply.parsed !== null && reply.parsed !== undefined) return reply;
  const call = AIMessage.isInstance(reply.raw) ? reply.raw.tool_calls?.find((entry) => entry.name === ROUTE_TOOL) : undefined;
  return call ? { raw: reply.raw, parsed: call.args } : reply;
}

/**
 * Whether a model call made with `config` streams its tokens: someone listens for them (a callback
 * handler that prefers streaming, which is how LangGraph's `messages` stream mode listens) and the
 * model can stream. The same two checks LangChain's chat models make before they stream; the offline
 * router, which cannot, answers in one piece.
 */
export function streamsTokens(model: BaseChatModel, config: RunnableConfig): boolean {
  if (model._streamResponseChunks === BaseChatModel.prototype._streamResponseChunks) return false;
  const callbacks = config.callbacks;
  const handlers = Array.isArray(callbacks) ? callbacks : (callbacks?.handlers ?? []);
  return handlers.some((handler) => callbackHandlerPrefersStreaming(handler as Parameters<typeof callbackHandlerPrefersStreaming>[0]));
}
