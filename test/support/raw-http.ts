import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

/** What came back for one raw HTTP request. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, or for an event stream what arrived before the first event ended. */
  text: string;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body in chunks without Content-Length, as a client that streams would. */
  chunked?: boolean;
  /** For long-lived event streams (GET /sse): stop reading after the first complete event. */
  untilFirstEvent?: boolean;
  /** For long-lived event streams: resolve as soon as the headers say it is a stream, with no body. */
  streamHeadersOnly?: boolean;
  timeoutMs?: number;
}

/**
 * One HTTP request through node:http, which (unlike fetch) lets a test set any Host header and see
 * any status. With `untilFirstEvent`, an event-stream response is read up to its first event, then dropped.
 * @throws when nothing comes back within `timeoutMs` (a hung server fails the test, not vitest's clock).
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined && !options.chunked && !hasHeader(headers, "content-length")) {
      headers["content-length"] = String(Buffer.byteLength(options.body));
    }
    const req = httpRequest(url, { method: options.method ?? "GET", headers, setHost: !hasHeader(headers, "host") }, (res) => {
      const chunks: Buffer[] = [];
      const isStream = String(res.headers["content-type"] ?? "").includes("text/event-stream");
      if (isStream && options.streamHeadersOnly) {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: "" });
        res.destroy();
        return;
      }
      const finish = () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") });
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        if (options.untilFirstEvent && isStream && Buffer.concat(chunks).includes("\n\n")) {
          finish();
          res.destroy();
        }
      });
      res.on("end", finish);
      res.on("error", () => finish());
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${options.method ?? "GET"} ${url}: no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (error) => {
      // A server may answer (413) and close before it has read the whole body; the answer counts.
      if ((error as NodeJS.ErrnoException).code === "EPIPE" || (error as NodeJS.ErrnoException).code === "ECONNRESET") return;
      clearTimeout(timer);
      reject(error);
    });
    if (options.body !== undefined) {
      if (options.chunked) {
        const body = Buffer.from(options.body);
        const step = 64 * 1024;
        for (let offset = 0; offset < body.length; offset += step) req.write(body.subarray(offset, offset + step));
      } else {
        req.write(options.body);
      }
    }
    req.end();
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** A JSON-RPC message as it comes off the wire, unvalidated. */
export type WireMessage = Record<string, unknown>;

/**
 * The JSON-RPC messages in a response body: a JSON object or array, or the `data:` lines of an
 * event stream. Returns an error string instead when the body is neither.
 */
export function parseMessages(response: RawResponse): { ok: true; messages: WireMessage[] } | { ok: false; error: string } {
  const type = String(response.headers["content-type"] ?? "");
  const texts = type.includes("text/event-stream")
    ? response.text
        .split("\n\n")
        .map((event) =>
          event
            .split("\n")
            .filter((line) => line.startsWith("data:"))
            .map((line) => line.slice(5).trimStart())
            .join("\n"),
        )
        .filter((data) => data !== "")
    : [response.text];
  const messages: WireMessage[] = [];
  for (const text of texts) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, error: `not JSON (${type}): ${text.slice(0, 200)}` };
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== "object" || item === null) return { ok: false, error: `not a JSON-RPC message: ${text.slice(0, 200)}` };
      messages.push(item as WireMessage);
    }
  }
  return { ok: true, messages };
}

/** Why `message` is not a well-formed JSON-RPC 2.0 response, or undefined when it is one. */
export function responseProblem(message: WireMessage): string | undefined {
  if (message.jsonrpc !== "2.0") return `jsonrpc is ${JSON.stringify(message.jsonrpc)}`;
  if (!("id" in message)) return "no id";
  const id = message.id;
  if (id !== null && typeof id !== "string" && typeof id !== "number") return `id is ${JSON.stringify(id)}`;
  const hasResult = "result" in message;
  const hasError = "error" in message;
  if (hasResult === hasError) return "needs exactly one of result and error";
  if (hasError) {
    const error = message.error as { code?: unknown; message?: unknown } | null;
    if (typeof error !== "object" || error === null) return "error is not an object";
    if (!Number.isInteger(error.code)) return `error.code is ${JSON.stringify(error.code)}`;
    if (typeof error.message !== "string") return "error.message is not a string";
  }
  return undefined;
}

/** True when the body is a single JSON-RPC error response (what every HTTP-level refusal should carry). */
export function isJsonRpcErrorBody(response: RawResponse): boolean {
  const parsed = parseMessages(response);
  if (!parsed.ok || parsed.messages.length !== 1) return false;
  const [message] = parsed.messages;
  return responseProblem(message!) === undefined && "error" in message!;
}

export const MCP_ACCEPT = "application/json, text/event-stream";

/** Streamable HTTP session opened by hand, so a test controls every byte after `initialize`. */
export interface RawHttpSession {
  sessionId: string;
  protocolVersion: string;
  post(body: string | Buffer, headers?: Record<string, string>): Promise<RawResponse>;
}

/** Runs `initialize` + `notifications/initialized` on `/mcp` and returns the session. */
export async function openRawHttpSession(baseUrl: string, extraHeaders: Record<string, string> = {}): Promise<RawHttpSession> {
  const headers = { "content-type": "application/json", accept: MCP_ACCEPT, ...extraHeaders };
  const init = await rawRequest(`${baseUrl}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "fuzz", version: "0" } },
    }),
  });
  const sessionId = init.headers["mcp-session-id"];
  if (init.status !== 200 || typeof sessionId !== "string") {
    throw new Error(`initialize on ${baseUrl}/mcp answered ${init.status} without a session id: ${init.text.slice(0, 300)}`);
  }
  const parsed = parseMessages(init);
  const result = parsed.ok ? (parsed.messages[0]?.result as { protocolVersion?: string } | undefined) : undefined;
  const protocolVersion = result?.protocolVersion ?? "2025-06-18";
  const sessionHeaders = { ...headers, "mcp-session-id": sessionId, "mcp-protocol-version": protocolVersion };
  const post = (body: string | Buffer, more: Record<string, string> = {}) =>
    rawRequest(`${baseUrl}/mcp`, { method: "POST", headers: { ...sessionHeaders, ...more }, body });
  const initialized = await post(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}`);
  return { sessionId, protocolVersion, post };
}
