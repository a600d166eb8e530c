import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A Messages API request body as the stub records it. */
export interface AnthropicRequest {
  model: string;
  messages: Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
  tools?: Array<{ name: string; input_schema: Record<string, unknown> }>;
  tool_choice?: { type: string; name?: string };
  [key: string]: unknown;
}

export interface AnthropicStub {
  /** Base URL for `ChatAnthropic`'s `anthropicApiUrl` (the SDK appends /v1/messages). */
  url: string;
  /** Every Messages API request body received, in order. */
  requests: AnthropicRequest[];
  close(): Promise<void>;
}

/**
 * A local stand-in for Anthropic's Messages API: records each request and answers with the next
 * scripted tool input, as a `tool_use` of the tool the request forces (how LangChain's structured
 * output works on Claude). Once the script runs out it answers 400.
 */
export async function startAnthropicStub(script: Array<Record<string, unknown>>): Promise<AnthropicStub> {
  const requests: AnthropicRequest[] = [];
  let next = 0;
  const server: Server = createServer(async (request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "POST" || !request.url?.endsWith("/v1/messages")) {
      return send(404, { type: "error", error: { type: "not_found_error", message: `no route ${request.method} ${request.url}` } });
    }
    const body = JSON.parse(await readBody(request)) as AnthropicRequest;
    requests.push(body);
    const input = script[next++];
    if (input === undefined) return send(400, { type: "error", error: { type: "invalid_request_error", message: "the stub's script ran out" } });
    const tool = body.tool_choice?.name ?? body.tools?.[0]?.name ?? "route";
    send(200, {
      id: `msg_stub_${next}`,
      type: "message",
      role: "assistant",
      model: body.model,
      content: [{ type: "tool_use", id: `toolu_stub_${next}`, name: tool, input }],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 20 },
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
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
