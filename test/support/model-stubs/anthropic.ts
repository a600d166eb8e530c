import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { isFault, listen, pieces, playFault, readBody, sendJson, writeSlowly, type Scripted } from "./stub-server.js";

export { faults } from "./stub-server.js";

type Json = Record<string, unknown>;

/** A Messages API request body, as the stub received it. */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: Array<{ role: string; content: string | Json[] }>;
  system?: string | Json[];
  tools?: Array<{ name: string; description?: string; input_schema: Json }>;
  tool_choice?: { type: string; name?: string };
  stream?: boolean;
  [key: string]: unknown;
}

/**
 * The next reply: text, or an object. An object answers a request that forces a tool
 * (`tool_choice: { type: "tool" }`) as that tool's input, which is how ChatAnthropic's structured
 * output reads it; without a forced tool it is sent as JSON text.
 */
export type AnthropicReply = Scripted<MessagesRequest>;

export interface AnthropicStub {
  /** Base URL to use as ANTHROPIC_BASE_URL (the SDK adds /v1/messages). */
  url: string;
  /** Every request body that passed the shape checks, in order. */
  requests: MessagesRequest[];
  /** Headers of each recorded request, in the same order. */
  headers: IncomingHttpHeaders[];
  /** Why each refused request was refused (answered 400, as the API would). */
  refused: string[];
  close(): Promise<void>;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const USAGE = { input_tokens: 100, output_tokens: 20 };

/**
 * A local stand-in for Anthropic's Messages API (`POST /v1/messages`). It checks each request the way
 * the API does where our graph could get it wrong — the key and version headers, `max_tokens`, roles
 * that start with the user and never say "system", tool blocks only with `tools` defined and each
 * `tool_result` answering a `tool_use` of the turn before, a forced tool that exists, tool names and
 * object input schemas — and refuses a bad one with the API's 400 error. A good one is recorded and
 * answered with the next scripted reply, as server-sent events when it asks for `stream: true` (a word
 * or a few characters per delta).
 */
export async function startAnthropicStub(script: AnthropicReply[]): Promise<AnthropicStub> {
  const requests: MessagesRequest[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const refused: string[] = [];
  let next = 0;
  const handle = await listen(async (request, response) => {
    if (request.method !== "POST" || request.url?.split("?")[0] !== "/v1/messages") {
      return sendJson(response, 404, apiError("not_found_error", `no route ${request.method} ${request.url}`));
    }
    const body = JSON.parse(await readBody(request)) as MessagesRequest;
    const problem = checkHeaders(request.headers) ?? checkRequest(body);
    if (problem) {
      refused.push(problem);
      return sendJson(response, 400, apiError("invalid_request_error", problem));
    }
    requests.push(body);
    headers.push(request.headers);
    const reply = script[next++];
    if (reply === undefined) return sendJson(response, 400, apiError("invalid_request_error", "the stub's script ran out"));
    if (isFault(reply)) return playFault(response, reply);
    const made = typeof reply === "function" ? reply(body) : reply;
    const forced = body.tool_choice?.type === "tool" ? body.tool_choice.name : undefined;
    const block: Json =
      typeof made === "object" && forced
        ? { type: "tool_use", id: `toolu_stub_${next}`, name: forced, input: made }
        : { type: "text", text: typeof made === "string" ? made : JSON.stringify(made) };
    const message = {
      id: `msg_stub_${next}`,
      type: "message",
      role: "assistant",
      model: body.model,
      content: [block],
      stop_reason: block.type === "tool_use" ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: USAGE,
    };
    if (body.stream === true) return stream(response, message, block);
    sendJson(response, 200, message);
  });
  return { url: `http://127.0.0.1:${handle.port}`, requests, headers, refused, close: handle.close };
}

function apiError(type: string, message: string): Json {
  return { type: "error", error: { type, message } };
}

function checkHeaders(headers: IncomingHttpHeaders): string | undefined {
  if (!headers["x-api-key"]) return "x-api-key header is required";
  if (!headers["anthropic-version"]) return "anthropic-version header is required";
  return undefined;
}

function checkRequest(body: MessagesRequest): string | undefined {
  if (typeof body.model !== "string" || !body.model) return "model: Field required";
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return "max_tokens: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages: at least one message is required";
  if (body.messages[0]!.role !== "user") return "messages: first message must use the \"user\" role";
  const tools = body.tools ?? [];
  for (const tool of tools) {
    if (!TOOL_NAME.test(tool.name)) return `tools: name ${JSON.stringify(tool.name)} must match ${TOOL_NAME.source}`;
    if (tool.input_schema?.type !== "object") return `tools.${tool.name}.input_schema: type must be "object"`;
  }
  if (body.tool_choice?.type === "tool" && !tools.some((tool) => tool.name === body.tool_choice!.name)) {
    return `tool_choice: tool ${JSON.stringify(body.tool_choice.name)} is not in tools`;
  }
  let previousToolUses = new Set<string>();
  for (const [index, message] of body.messages.entries()) {
    if (message.role !== "user" && message.role !== "assistant") return `messages.${index}.role: must be "user" or "assistant", got ${JSON.stringify(message.role)}`;
    const blocks = typeof message.content === "string" ? [] : message.content;
    if (typeof message.content !== "string" && !Array.isArray(message.content)) return `messages.${index}.content: must be a string or a list of blocks`;
    const toolUses = new Set<string>();
    for (const block of blocks) {
      if (block.type === "tool_use" || block.type === "tool_result") {
        if (tools.length === 0) return "Requests which include `tool_use` or `tool_result` blocks must define tools.";
      }
      if (block.type === "tool_use") toolUses.add(String(block.id));
      if (block.type === "tool_result" && !previousToolUses.has(String(block.tool_use_id))) {
        return `messages.${index}: tool_result block(s) provided when previous message does not have tool_use block(s) with id ${JSON.stringify(block.tool_use_id)}`;
      }
    }
    previousToolUses = toolUses;
  }
  return undefined;
}

function stream(response: ServerResponse, message: Json, block: Json): Promise<void> {
  const event = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [event("message_start", { message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 100, output_tokens: 1 } } })];
  if (block.type === "tool_use") {
    events.push(event("content_block_start", { index: 0, content_block: { ...block, input: {} } }));
    for (const piece of pieces(JSON.stringify(block.input))) events.push(event("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: piece } }));
  } else {
    events.push(event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }));
    for (const piece of pieces(String(block.text))) events.push(event("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } }));
  }
  events.push(
    event("content_block_stop", { index: 0 }),
    event("message_delta", { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 20 } }),
    event("message_stop", {}),
  );
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  return writeSlowly(response, events);
}
