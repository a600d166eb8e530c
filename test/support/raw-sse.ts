import { request as httpRequest, type ClientRequest } from "node:http";
import { rawRequest, type RawResponse, type WireMessage } from "./raw-http.js";

/** A legacy SSE session opened by hand: the GET /sse stream plus raw POSTs to its endpoint. */
export interface RawSseSession {
  sessionId: string;
  /** Absolute URL of `/messages?sessionId=…` as the server announced it. */
  endpoint: string;
  post(body: string | Buffer, headers?: Record<string, string>): Promise<RawResponse>;
  /** The next message on the stream with this id; rejects after `timeoutMs`. */
  response(id: string | number | null, timeoutMs?: number): Promise<WireMessage>;
  /** Messages that arrived and nobody asked for yet. */
  unclaimed(): WireMessage[];
  /** Raw `data:` payloads that were not JSON (a server bug if it ever happens). */
  unparsable: string[];
  /** True while the server keeps the stream open. */
  open(): boolean;
  close(): void;
}

/** Opens `GET /sse`, waits for the `endpoint` event, and runs the MCP handshake over it. */
export async function openRawSseSession(baseUrl: string, headers: Record<string, string> = {}): Promise<RawSseSession> {
  const received: WireMessage[] = [];
  const unparsable: string[] = [];
  const waiters: Array<{ id: string | number | null; resolve: (message: WireMessage) => void }> = [];
  let request: ClientRequest | undefined;
  let streamOpen = true;

  const deliver = (message: WireMessage) => {
    const index = waiters.findIndex((waiter) => waiter.id === message.id);
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(message);
    else received.push(message);
  };

  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`GET ${baseUrl}/sse sent no endpoint event`)), 10_000);
    request = httpRequest(`${baseUrl}/sse`, { headers: { accept: "text/event-stream", ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        reject(new Error(`GET /sse answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? "message";
          const data = block
            .split("\n")
            .filter((line) => line.startsWith("data:"))
            .map((line) => line.slice(5).trimStart())
            .join("\n");
          if (event === "endpoint") {
            clearTimeout(timer);
            resolve(new URL(data, baseUrl).toString());
          } else if (data) {
            try {
              deliver(JSON.parse(data) as WireMessage);
            } catch {
              unparsable.push(data);
            }
          }
        }
      });
      res.on("close", () => {
        streamOpen = false;
      });
    });
    request.on("error", (error) => {
      streamOpen = false;
      clearTimeout(timer);
      reject(error);
    });
    request.end();
  });

  const sessionId = new URL(endpoint).searchParams.get("sessionId") ?? "";
  const post = (body: string | Buffer, more: Record<string, string> = {}) =>
    rawRequest(endpoint, { method: "POST", headers: { "content-type": "application/json", ...headers, ...more }, body });
  const response = (id: string | number | null, timeoutMs = 5_000) => {
    const index = received.findIndex((message) => message.id === id);
    if (index >= 0) return Promise.resolve(received.splice(index, 1)[0]!);
    return new Promise<WireMessage>((resolve, reject) => {
      const waiter = {
        id,
        resolve: (message: WireMessage) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no response with id ${JSON.stringify(id)} on the SSE stream within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };

  const session: RawSseSession = {
    sessionId,
    endpoint,
    post,
    response,
    unclaimed: () => [...received],
    unparsable,
    open: () => streamOpen,
    close: () => request?.destroy(),
  };
  try {
    const init = await post(
      JSON.stringify({
        jsonrpc: "2.0",
        id: "init",
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "fuzz", version: "0" } },
      }),
    );
    if (init.status !== 202) throw new Error(`initialize POST answered ${init.status}: ${init.text}`);
    await response("init");
    await post(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  } catch (error) {
    session.close();
    throw error;
  }
  return session;
}
