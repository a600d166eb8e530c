import { ErrorCode, McpError, type CreateMessageRequest, type CreateMessageResult } from "@modelcontextprotocol/sdk/types.js";

/** What a server asks with `sampling/createMessage`: messages, an optional system prompt, `maxTokens`, … */
export type SamplingParams = CreateMessageRequest["params"];
export type { CreateMessageResult };

/**
 * Answers a server's `sampling/createMessage` with a model's message. `context.signal` fires when the
 * server withdraws the request, the call behind it ends, the time limit passes or the client closes.
 * Throwing {@link SamplingDeclinedError} tells the server the user refused; any other error reaches it
 * as `sampling failed: <message>`.
 */
export type SamplingHandler = (server: string, params: SamplingParams, context: { signal: AbortSignal }) => Promise<CreateMessageResult>;

/** How long one sampling request may take, a person's approval and the model's answer together. */
export const MAX_SAMPLING_WAIT_MS = 10 * 60_000;
/** Characters of text a request may carry (its messages and system prompt). */
export const MAX_SAMPLING_INPUT_CHARS = 100_000;
/** Bytes of base64 media (images, audio) a request may carry, all blocks together. */
export const MAX_SAMPLING_MEDIA_CHARS = 8 * 1024 * 1024;
/** Characters of text the server gets back; the rest is cut, `stopReason` then `maxTokens`. */
export const MAX_SAMPLING_OUTPUT_CHARS = 16_000;

/**
 * The error code the spec's example gives a refused sampling request ("User rejected sampling
 * request"); the JSON-RPC codes have none for it.
 */
export const SAMPLING_DECLINED_CODE = -1;

/** The user (or the host on the user's behalf) refused to send a server's sampling request to a model. */
export class SamplingDeclinedError extends Error {
  constructor(message = "User rejected sampling request") {
    super(message);
    this.name = "SamplingDeclinedError";
  }
}

/**
 * Refuses what no model should get: tool use (not declared, so the spec says it MUST be an error)
 * and requests past the size limits.
 * @throws {McpError} `InvalidParams`, with the reason.
 */
export function checkSamplingRequest(params: SamplingParams): void {
  if (params.tools !== undefined || params.toolChoice !== undefined) {
    throw new McpError(ErrorCode.InvalidParams, "this client does not take tools in sampling requests (sampling.tools is not declared)");
  }
  let text = params.systemPrompt?.length ?? 0;
  let media = 0;
  for (const message of params.messages) {
    for (const block of Array.isArray(message.content) ? message.content : [message.content]) {
      if (block.type === "text") text += block.text.length;
      else if (block.type === "image" || block.type === "audio") media += block.data.length;
      else throw new McpError(ErrorCode.InvalidParams, `this client does not take ${block.type} blocks in sampling requests`);
    }
  }
  if (text > MAX_SAMPLING_INPUT_CHARS) {
    throw new McpError(ErrorCode.InvalidParams, `sampling request too large: ${text} characters of text, at most ${MAX_SAMPLING_INPUT_CHARS}`);
  }
  if (media > MAX_SAMPLING_MEDIA_CHARS) {
    throw new McpError(ErrorCode.InvalidParams, `sampling request too large: ${media} characters of base64 media, at most ${MAX_SAMPLING_MEDIA_CHARS}`);
  }
}

/** The result as the server gets it: text cut at {@link MAX_SAMPLING_OUTPUT_CHARS}, media bounded. */
export function boundSamplingResult(result: CreateMessageResult): CreateMessageResult {
  const { content } = result;
  if (content.type === "text" && content.text.length > MAX_SAMPLING_OUTPUT_CHARS) {
    return { ...result, content: { ...content, text: content.text.slice(0, MAX_SAMPLING_OUTPUT_CHARS) }, stopReason: "maxTokens" };
  }
  if ((content.type === "image" || content.type === "audio") && content.data.length > MAX_SAMPLING_MEDIA_CHARS) {
    throw new McpError(ErrorCode.InternalError, `sampling failed: the model's ${content.type} is larger than ${MAX_SAMPLING_MEDIA_CHARS} characters of base64`);
  }
  return result;
}

/** What the server reads when a sampling handler failed: a refusal, or the handler's reason. */
export function samplingFailure(error: unknown): McpError {
  if (error instanceof McpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if ((error as { name?: string } | undefined)?.name === "SamplingDeclinedError") return new McpError(SAMPLING_DECLINED_CODE, message);
  return new McpError(ErrorCode.InternalError, `sampling failed: ${message}`);
}
