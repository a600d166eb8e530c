import type { ServerResponse } from "node:http";
import { isFault, listen, pieces, playFault, readBody, sendJson, writeSlowly, type Scripted } from "./stub-server.js";

export { faults } from "./stub-server.js";

type Json = Record<string, unknown>;

/** An `/api/chat` request body, as the stub received it. */
export interface OllamaChatRequest {
  model: string;
  messages: Array<{ role: string; content: string; tool_calls?: Json[]; [key: string]: unknown }>;
  /** `"json"`, or a JSON schema the reply must follow. */
  format?: string | Json;
  tools?: Json[];
  /** Ollama streams unless told `false`. */
  stream?: boolean;
  options?: Json;
  [key: string]: unknown;
}

/** The next reply: text, or an object sent as JSON text (what a reply under `format` is). */
export type OllamaReply = Scripted<OllamaChatRequest>;

export interface OllamaStub {
  /** Base URL to use as OLLAMA_BASE_URL. */
  url: string;
  /** Every request body that passed the shape checks, in order. */
  requests: OllamaChatRequest[];
  /** Why each refused request was refused (answered 400 with Ollama's `{ error }`). */
  refused: string[];
  close(): Promise<void>;
}

const ROLES = ["system", "user", "assistant", "tool"];

/**
 * A local stand-in for Ollama's native chat API (`POST /api/chat`). It checks what Ollama's server
 * would refuse — a model, messages with a known role and string content, tool calls whose arguments
 * are an object rather than a JSON string, a `format` that is "json" or a schema object — and records
 * and answers a good request with the next scripted reply: newline-delimited JSON, a word or a few
 * characters per line, with the token counts on the last (`"done": true`) line, unless the request
 * says `stream: false`.
 */
export async function startOllamaStub(script: OllamaReply[]): Promise<OllamaStub> {
  const requests: OllamaChatRequest[] = [];
  const refused: string[] = [];
  let next = 0;
  const handle = await listen(async (request, response) => {
    if (request.method !== "POST" || request.url !== "/api/chat") return sendJson(response, 404, { error: `no route ${request.method} ${request.url}` });
    const body = JSON.parse(await readBody(request)) as OllamaChatRequest;
    const problem = checkRequest(body);
    if (problem) {
      refused.push(problem);
      return sendJson(response, 400, { error: problem });
    }
    requests.push(body);
    const reply = script[next++];
    if (reply === undefined) return sendJson(response, 400, { error: "the stub's script ran out" });
    if (isFault(reply)) return playFault(response, reply);
    const made = typeof reply === "function" ? reply(body) : reply;
    const content = typeof made === "string" ? made : JSON.stringify(made);
    if (body.stream === false) return sendJson(response, 200, { ...line(body.model, content), ...DONE });
    return stream(response, body.model, content);
  });
  return { url: `http://127.0.0.1:${handle.port}`, requests, refused, close: handle.close };
}

const DONE = { done: true, done_reason: "stop", total_duration: 1_000_000, load_duration: 1000, prompt_eval_count: 100, eval_count: 20 };

function line(model: string, content: string): Json {
  return { model, created_at: new Date().toISOString(), message: { role: "assistant", content }, done: false };
}

function checkRequest(body: OllamaChatRequest): string | undefined {
  if (typeof body.model !== "string" || !body.model) return "model is required";
  if (!Array.isArray(body.messages)) return "messages must be a list";
  for (const [index, message] of body.messages.entries()) {
    if (!ROLES.includes(message.role)) return `messages[${index}]: unknown role ${JSON.stringify(message.role)}`;
    if (typeof message.content !== "string") return `messages[${index}].content: json: cannot unmarshal ${typeof message.content} into string`;
    for (const call of message.tool_calls ?? []) {
      const fn = call.function as Json | undefined;
      if (typeof fn?.name !== "string" || typeof fn.arguments !== "object" || fn.arguments === null) {
        return `messages[${index}].tool_calls: function.arguments must be an object`;
      }
    }
  }
  if (body.format !== undefined && body.format !== "" && body.format !== "json" && (typeof body.format !== "object" || body.format === null)) {
    return `invalid format: ${JSON.stringify(body.format)}`;
  }
  return undefined;
}

function stream(response: ServerResponse, model: string, content: string): Promise<void> {
  const lines = pieces(content).map((piece) => `${JSON.stringify(line(model, piece))}\n`);
  lines.push(`${JSON.stringify({ ...line(model, ""), ...DONE })}\n`);
  response.writeHead(200, { "content-type": "application/x-ndjson" });
  return writeSlowly(response, lines);
}
