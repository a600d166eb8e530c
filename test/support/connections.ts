/**
 * Test helpers: real SDK clients over real HTTP, and raw HTTP requests for the cases an SDK client
 * cannot produce (foreign Host headers, malformed bodies). Used only by servers/ tests.
 */
import { request, type IncomingHttpHeaders } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";

/** The two HTTP transports every server speaks. */
export const TRANSPORTS = ["http", "sse"] as const;
export type TransportKind = (typeof TRANSPORTS)[number];

/** A connected SDK client plus its transport (for `sessionId`, `terminateSession`). */
export interface Connection<T extends StreamableHTTPClientTransport | SSEClientTransport = StreamableHTTPClientTransport | SSEClientTransport> {
  client: Client;
  transport: T;
}

/** Connects a real SDK `Client` to `${baseUrl}/mcp` (http) or `${baseUrl}/sse` (sse). */
export async function connect(baseUrl: string, kind: "http", headers?: Record<string, string>): Promise<Connection<StreamableHTTPClientTransport>>;
export async function connect(baseUrl: string, kind: TransportKind, headers?: Record<string, string>): Promise<Connection>;
export async function connect(baseUrl: string, kind: TransportKind, headers?: Record<string, string>): Promise<Connection> {
  const requestInit = headers === undefined ? undefined : { headers };
  const transport =
    kind === "http"
      ? new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit })
      : new SSEClientTransport(new URL(`${baseUrl}/sse`), { requestInit });
  const client = new Client({ name: "servers-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

/** The text of a tool result's text blocks. */
export function textOf(result: CallToolResult | Record<string, unknown>): string {
  const content = (result as CallToolResult).content;
  return content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

/** Calls a tool and narrows the loose SDK return type to `CallToolResult`. */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One raw HTTP request. Node's client sends the `Host` we give verbatim (fetch would not). A
 * `text/event-stream` response is read up to its first event, then the connection is dropped.
 */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers: init.headers, agent: false }, (res) => {
      let body = "";
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
        if (res.headers["content-type"]?.startsWith("text/event-stream") && body.includes("\n\n")) {
          done();
          req.destroy();
        }
      });
      res.on("end", done);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A long-lived response (an SSE stream) held open until the server ends it. */
export interface OpenStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server ends the response or drops the connection. */
  ended: Promise<void>;
  /** Hangs up from the client side. */
  close(): void;
}

/** Opens a GET stream and resolves once its headers arrived; the caller waits on `ended`. */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      const ended = new Promise<void>((done) => {
        res.once("end", done);
        res.once("close", done);
      });
      resolve({ status: res.statusCode ?? 0, headers: res.headers, received: () => body, ended, close: () => req.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Opens a legacy SSE session by hand; resolves with the stream and the POST path its endpoint event announced. */
export async function openLegacySession(baseUrl: string): Promise<{ stream: OpenStream; messagesPath: string }> {
  const stream = await openStream(`${baseUrl}/sse`);
  expect(stream.status).toBe(200);
  await waitFor(() => stream.received().includes("\n\n"));
  const messagesPath = /event: endpoint\ndata: (\S+)/.exec(stream.received())?.[1] ?? "";
  expect(messagesPath).toMatch(/^\/messages\?sessionId=[0-9a-f-]{36}$/);
  return { stream, messagesPath };
}

/** Headers for a JSON POST to `/mcp` as a Streamable HTTP client sends them. */
export const MCP_POST_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/** A JSON-RPC initialize request body. */
export const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1.0.0" } },
});

/** Asserts an HTTP error answered with a JSON-RPC error body. */
export function expectJsonRpcError(response: RawResponse, status: number, code?: number): { code: number; message: string } {
  expect(response.status).toBe(status);
  const body = JSON.parse(response.body) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
  expect(body.jsonrpc).toBe("2.0");
  expect(body.id).toBeNull();
  expect(typeof body.error.message).toBe("string");
  if (code !== undefined) expect(body.error.code).toBe(code);
  return body.error;
}

/** Resolves when `condition()` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
