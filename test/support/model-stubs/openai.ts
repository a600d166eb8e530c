import type { ServerResponse } from "node:http";
import { faults, isFault, listen, pieces, playFault, readBody, sendJson, writeSlowly, type HttpFault, type Scripted } from "./stub-server.js";

export { faults, type HttpFault };

/** A reply the stub sends: the assistant's text, or a function of the request body that makes it. */
export type ScriptedReply = Scripted<ChatRequest>;

export interface ChatRequest {
  model: string;
  messages: Array<Record<string, unknown>>;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  [key: string]: unknown;
}

export interface OpenAIStub {
  /** Base URL to use as OPENAI_BASE_URL (ends in /v1). */
  url: string;
  /** Every chat completion request body received, in order. */
  requests: ChatRequest[];
  close(): Promise<void>;
}

/**
 * A local OpenAI-compatible server that records each chat completion request and answers with the
 * next scripted reply (objects are sent as JSON text, as a structured-output reply would be). It is
 * the stand-in for the LLM in tests of our real wire path; once the script runs out it answers 400.
 * A request with `stream: true` gets the reply as server-sent events, a few characters or a word per
 * chunk, and the usage in a last chunk when `stream_options.include_usage` asks for it.
 */
export async function startOpenAIStub(script: ScriptedReply[]): Promise<OpenAIStub> {
  const requests: ChatRequest[] = [];
  let next = 0;
  const handle = await listen(async (request, response) => {
    if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
      return sendJson(response, 404, { error: { message: `no route ${request.method} ${request.url}`, type: "invalid_request_error" } });
    }
    const body = JSON.parse(await readBody(request)) as ChatRequest;
    requests.push(body);
    const reply = script[next++];
    // 400, not 5xx: the client retries server errors with backoff, which would only slow the test.
    if (reply === undefined) return sendJson(response, 400, { error: { message: "the stub's script ran out", type: "invalid_request_error" } });
    if (isFault(reply)) return playFault(response, reply);
    const made = typeof reply === "function" ? reply(body) : reply;
    const content = typeof made === "string" ? made : JSON.stringify(made);
    const id = `chatcmpl-stub-${next}`;
    if (body.stream === true) return stream(response, id, body, content);
    sendJson(response, 200, {
      id,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop", logprobs: null }],
      usage: USAGE,
    });
  });
  return { url: `http://127.0.0.1:${handle.port}/v1`, requests, close: handle.close };
}

const USAGE = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };

function stream(response: ServerResponse, id: string, body: ChatRequest, content: string): Promise<void> {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    ({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }) as Record<string, unknown>;
  const chunks = [chunk({ role: "assistant", content: "", refusal: null }, null), ...pieces(content).map((piece) => chunk({ content: piece }, null)), chunk({}, "stop")];
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) chunks.push({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage: USAGE });
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  return writeSlowly(response, [...chunks.map((event) => `data: ${JSON.stringify(event)}\n\n`), "data: [DONE]\n\n"]);
}
