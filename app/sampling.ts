import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage, type MessageContent } from "@langchain/core/messages";
import { OfflineRouterModel } from "../offline/index.js";
import type { CreateMessageResult, Multimodal, SamplingHandler, SamplingParams } from "../adapters/index.js";

/** The most tokens a server's request may have the model write, whatever its `maxTokens` asks. */
export const MAX_SAMPLING_TOKENS = 4_096;
/** Bound on the model's answer to one sampling request, unless given. */
export const DEFAULT_SAMPLING_TIMEOUT_MS = 60_000;

export interface SamplerOptions {
  /** The model's name as the run names it (`openai:gpt-4o`); the result's `model` unless the provider names it. */
  modelName: string;
  /** Bound on the model's answer, in milliseconds (default {@link DEFAULT_SAMPLING_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Media the model reads in a user message, as for tool results: `false` (the default), `true`, or `["image"]`. */
  multimodal?: Multimodal;
}

/** A sampling request the host's model cannot answer: the reason reaches the server as `sampling failed: …`. */
export class SamplingUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SamplingUnsupportedError";
  }
}

/**
 * Answers servers' `sampling/createMessage` with `model`, the same chat model the graph runs: the
 * system prompt and the messages as LangChain messages (text; images and audio only where
 * `multimodal` says the model takes them), `maxTokens` honoured (capped at {@link MAX_SAMPLING_TOKENS})
 * where the model has that setting, bounded in time; the text of its answer comes back with the
 * model's name and why it stopped. The offline router writes no free text, so it refuses with a
 * reason rather than pretend. Asking the user first is the caller's part (see `cli/start.ts`).
 */
export function createSampler(model: BaseChatModel, options: SamplerOptions): SamplingHandler {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SAMPLING_TIMEOUT_MS;
  return async (_server, params, { signal }) => {
    if (model instanceof OfflineRouterModel) {
      throw new SamplingUnsupportedError("the offline model only routes questions to tools and cannot write an answer; run with --model <provider>:<model> to let servers sample");
    }
    const messages = samplingMessages(params, options.multimodal ?? false);
    const maxTokens = Math.max(1, Math.min(params.maxTokens, MAX_SAMPLING_TOKENS));
    const limit = AbortSignal.timeout(timeoutMs);
    const reply = await withMaxTokens(model, maxTokens)
      .invoke(messages, { signal: AbortSignal.any([signal, limit]), ...(params.stopSequences?.length ? { stop: params.stopSequences } : {}) })
      .catch((error: unknown) => {
        throw limit.aborted && !signal.aborted ? new Error(`the model did not answer within ${timeoutMs / 1000} s`) : error;
      });
    const metadata = reply.response_metadata as { model_name?: unknown; model?: unknown; finish_reason?: unknown; stop_reason?: unknown; done_reason?: unknown };
    const named = [metadata.model_name, metadata.model].find((value): value is string => typeof value === "string" && value !== "");
    const stop = [metadata.finish_reason, metadata.stop_reason, metadata.done_reason].find((value): value is string => typeof value === "string");
    return {
      role: "assistant",
      content: { type: "text", text: reply.text },
      model: named ?? options.modelName,
      ...(stop ? { stopReason: STOP_REASONS[stop] ?? stop } : {}),
    } satisfies CreateMessageResult;
  };
}

/** Providers' stop reasons (OpenAI, Anthropic, Ollama) in MCP's words. */
const STOP_REASONS: Record<string, string> = {
  stop: "endTurn",
  end_turn: "endTurn",
  length: "maxTokens",
  max_tokens: "maxTokens",
  stop_sequence: "stopSequence",
};

/**
 * The request as LangChain messages: the system prompt first, then each message with its blocks.
 * @throws {SamplingUnsupportedError} for media the model does not take, naming it.
 */
export function samplingMessages(params: SamplingParams, multimodal: Multimodal): BaseMessage[] {
  const takes = (kind: "image" | "audio") => multimodal === true || (Array.isArray(multimodal) && multimodal.includes(kind));
  const messages: BaseMessage[] = params.systemPrompt ? [new SystemMessage(params.systemPrompt)] : [];
  for (const message of params.messages) {
    const blocks = (Array.isArray(message.content) ? message.content : [message.content]).map((block) => {
      if (block.type === "text") return { type: "text" as const, text: block.text };
      if (block.type === "image" || block.type === "audio") {
        if (!takes(block.type)) throw new SamplingUnsupportedError(`the model does not take ${block.type}s (${block.mimeType}), and the request has one`);
        // The forms every provider package converts in a user message: an image as a data URL (OpenAI's
        // own form, read by Anthropic's and Ollama's packages too), audio as a base64 data block.
        if (block.type === "image") return { type: "image_url" as const, image_url: { url: `data:${block.mimeType};base64,${block.data}` } };
        return { type: "audio" as const, source_type: "base64" as const, mime_type: block.mimeType, data: block.data };
      }
      // The adapter refuses tool blocks before this (sampling.tools is not declared).
      throw new SamplingUnsupportedError(`${block.type} blocks are not supported`);
    });
    const content = (blocks.length === 1 && blocks[0]!.type === "text" ? blocks[0]!.text : blocks) as MessageContent;
    messages.push(message.role === "assistant" ? new AIMessage({ content }) : new HumanMessage({ content }));
  }
  return messages;
}

/**
 * The model with its `maxTokens` set, for providers whose client has the setting (OpenAI, Anthropic,
 * Groq, …): a sibling built from the same constructor fields, so the same endpoint, key and bounded
 * `fetch`. Others (Ollama's `numPredict`, the offline router) are used as they are.
 */
function withMaxTokens(model: BaseChatModel, maxTokens: number): BaseChatModel {
  if (!("maxTokens" in model)) return model;
  const Model = model.constructor as new (fields: Record<string, unknown>) => BaseChatModel;
  return new Model({ ...model.lc_kwargs, maxTokens });
}
