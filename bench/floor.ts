/**
 * The floor: the least work loopback HTTP allows for one `tools/call add` round trip. A bare
 * `node:http` server parses the same JSON-RPC body the SDK sends and answers it, either in the POST's
 * response (the shape of Streamable HTTP with JSON responses) or as an event on an open stream (the
 * shape of the legacy SSE transport: POST answered 202, result pushed on `GET /sse`).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number;
  method: string;
  params?: { name?: string; arguments?: { a?: number; b?: number } };
}

function answer(request: JsonRpcRequest): string {
  const args = request.params?.arguments ?? {};
  if (request.method !== "tools/call" || request.params?.name !== "add") {
    return JSON.stringify({ jsonrpc: "2.0", id: request.id, error: { code: -32601, message: "floor answers add only" } });
  }
  const sum = BigInt(args.a ?? 0) + BigInt(args.b ?? 0);
  return JSON.stringify({ jsonrpc: "2.0", id: request.id, result: { content: [{ type: "text", text: sum.toString() }] } });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export interface FloorServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the floor server on loopback: `POST /rpc` (answer in the response), `GET /sse` + `POST /messages`. */
export async function startFloorServer(): Promise<FloorServer> {
  const streams = new Map<string, http.ServerResponse>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://floor");
    if (req.method === "POST" && url.pathname === "/rpc") {
      const body = answer(JSON.parse(await readBody(req)) as JsonRpcRequest);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
      return;
    }
    if (req.method === "GET" && url.pathname === "/sse") {
      const id = randomUUID();
      streams.set(id, res);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      res.write(`event: endpoint\ndata: /messages?sessionId=${id}\n\n`);
      res.on("close", () => streams.delete(id));
      return;
    }
    if (req.method === "POST" && url.pathname === "/messages") {
      const stream = streams.get(url.searchParams.get("sessionId") ?? "");
      const body = await readBody(req);
      if (!stream) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(202, { "content-length": 8 }).end("Accepted");
      stream.write(`event: message\ndata: ${answer(JSON.parse(body) as JsonRpcRequest)}\n\n`);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const stream of streams.values()) stream.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A floor client: one `add` per call over a keep-alive agent, as the SDK's fetch keeps its sockets. */
export interface FloorClient {
  add(a: number, b: number): Promise<string>;
  close(): Promise<void>;
}

function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function textOf(message: string): string {
  const parsed = JSON.parse(message) as { result?: { content?: Array<{ text?: string }> }; error?: { message: string } };
  if (parsed.error) throw new Error(parsed.error.message);
  return parsed.result?.content?.[0]?.text ?? "";
}

/** The floor for Streamable HTTP: the request and its answer in one POST. */
export function floorHttpClient(baseUrl: string): FloorClient {
  const agent = new http.Agent({ keepAlive: true });
  const url = new URL("/rpc", baseUrl);
  let id = 0;
  return {
    async add(a, b) {
      const body = JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name: "add", arguments: { a, b } } });
      const response = await post(agent, url, body);
      if (response.status !== 200) throw new Error(`floor answered ${response.status}`);
      return textOf(response.body);
    },
    close: async () => agent.destroy(),
  };
}

/**
 * The floor request sent with the global `fetch` (undici), which is what the SDK's transports use:
 * the difference to {@link floorHttpClient} is the cost of the HTTP client stack alone.
 */
export function floorFetchClient(baseUrl: string): FloorClient {
  const url = new URL("/rpc", baseUrl);
  let id = 0;
  return {
    async add(a, b) {
      const body = JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name: "add", arguments: { a, b } } });
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
      if (response.status !== 200) throw new Error(`floor answered ${response.status}`);
      return textOf(await response.text());
    },
    close: async () => {},
  };
}

/** The floor for the legacy SSE transport: POST answered 202, the result read from the open stream. */
export async function floorSseClient(baseUrl: string): Promise<FloorClient> {
  const agent = new http.Agent({ keepAlive: true });
  const pending = new Map<number, (message: string) => void>();
  let endpoint: URL | undefined;
  let buffer = "";
  let onEndpoint: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onEndpoint = resolve));

  const stream = http.get(new URL("/sse", baseUrl), (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffer += chunk;
      let boundary: number;
      while ((boundary = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const type = /^event: (.*)$/m.exec(event)?.[1];
        const data = /^data: (.*)$/m.exec(event)?.[1] ?? "";
        if (type === "endpoint") {
          endpoint = new URL(data, baseUrl);
          onEndpoint();
        } else if (type === "message") {
          const { id } = JSON.parse(data) as { id: number };
          pending.get(id)?.(data);
          pending.delete(id);
        }
      }
    });
  });
  stream.on("error", () => {});
  await ready;

  let id = 0;
  return {
    async add(a, b) {
      const requestId = ++id;
      const reply = new Promise<string>((resolve) => pending.set(requestId, resolve));
      const body = JSON.stringify({ jsonrpc: "2.0", id: requestId, method: "tools/call", params: { name: "add", arguments: { a, b } } });
      const response = await post(agent, endpoint!, body);
      if (response.status !== 202) throw new Error(`floor answered ${response.status}`);
      return textOf(await reply);
    },
    close: async () => {
      stream.destroy();
      agent.destroy();
    },
  };
}

/**
 * The wire floor of connect + discover with one server: the exchanges our client makes (`initialize`,
 * `notifications/initialized`, `tools/list`; no GET stream to a server that declares nothing it
 * would send there) as bare node:http requests over a shared keep-alive agent, answered at the
 * server's `/floor` (bench/children/many-servers.ts). Resolves with the number of tools listed.
 */
export async function floorConnect(mcpUrl: string, agent: http.Agent): Promise<number> {
  const url = new URL("/floor", mcpUrl);
  const rpc = (message: object) => post(agent, url, JSON.stringify({ jsonrpc: "2.0", ...message }));
  const init = await rpc({ id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "floor", version: "1.0.0" } } });
  if (init.status !== 200) throw new Error(`floor initialize answered ${init.status}`);
  JSON.parse(init.body);
  await rpc({ method: "notifications/initialized" });
  const listed = await rpc({ id: 1, method: "tools/list" });
  return (JSON.parse(listed.body) as { result: { tools: unknown[] } }).result.tools.length;
}
