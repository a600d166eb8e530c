import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A reply the stub sends: the assistant's text, or a function of the request body that makes it. */
export type ScriptedReply = string | Record<string, unknown> | HttpFault | ((body: ChatRequest) => string | Record<string, unknown>);

/** A provider misbehaving on the wire: no answer at all, or a status and body of the test's choosing. */
export type HttpFault = { fault: "hang" } | { fault: "reply"; status: number; contentType: string; body: string };

/** Faults the stub can play: `faults.hang`, `faults.reply(500, "text/plain", "boom")`. */
export const faults = {
  hang: { fault: "hang" } as HttpFault,
  reply: (status: number, contentType: string, body: string): HttpFault => ({ fault: "reply", status, contentType, body }),
};

const isFault = (reply: unknown): reply is HttpFault => typeof reply === "object" && reply !== null && "fault" in reply;

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
 */
export async function startOpenAIStub(script: ScriptedReply[]): Promise<OpenAIStub> {
  const requests: ChatRequest[] = [];
  let next = 0;
  const server: Server = createServer(async (request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
      return send(404, { error: { message: `no route ${request.method} ${request.url}`, type: "invalid_request_error" } });
    }
    const body = JSON.parse(await readBody(request)) as ChatRequest;
    requests.push(body);
    const reply = script[next++];
    // 400, not 5xx: the client retries server errors with backoff, which would only slow the test.
    if (reply === undefined) return send(400, { error: { message: "the stub's script ran out", type: "invalid_request_error" } });
    if (isFault(reply)) {
      // A hang holds the socket until the client gives up or the stub closes.
      if (reply.fault === "hang") return;
      response.writeHead(reply.status, { "content-type": reply.contentType });
      return response.end(reply.body);
    }
    const made = typeof reply === "function" ? reply(body) : reply;
    const content = typeof made === "string" ? made : JSON.stringify(made);
    send(200, {
      id: `chatcmpl-stub-${next}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
