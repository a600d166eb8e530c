/**
 * Child process for the scale benchmark: N independent MCP servers, each a Streamable HTTP endpoint
 * on its own loopback port with synthetic tools (bench/catalog.ts) and a fresh low-level `Server` per session. They share this
 * one process because spawning 50 Node processes on a 2-core machine would measure process start-up
 * and memory pressure rather than the client's connect-and-discover.
 *
 *   argv: <servers> <tools per server>   →   ready: { urls: string[] }   (each http://127.0.0.1:port/mcp;
 *   the same port answers the wire floor of a connect at /floor)
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import { CallToolRequestSchema, LATEST_PROTOCOL_VERSION, ListToolsRequestSchema, isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { syntheticTool, type SyntheticTool } from "../catalog.js";
import { serveParent } from "../child.js";

// One validator for every session, as our servers share theirs (servers/shared/tool.ts).
const validator = new AjvJsonSchemaValidator();

function createServer(index: number, tools: SyntheticTool[]): Server {
  const server = new Server({ name: `BenchServer${index}`, version: "1.0.0" }, { capabilities: { tools: {} }, jsonSchemaValidator: validator });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const id = String((request.params.arguments as { id?: unknown } | undefined)?.id ?? "");
    return { content: [{ type: "text", text: `${request.params.name} ${id}: done` }] };
  });
  return server;
}

/** Where each server also answers the connect exchanges with the least work (bench/floor.ts, `floorConnect`). */
const FLOOR_PATH = "/floor";

/**
 * The wire floor of a connect: `initialize`, `notifications/initialized` and `tools/list` answered
 * straight from node:http with what the SDK server would answer, no session kept, no validation.
 */
function answerFloor(req: http.IncomingMessage, res: http.ServerResponse, body: unknown, index: number, tools: SyntheticTool[]): void {
  const message = body as { id?: number; method?: string } | undefined;
  if (req.method !== "POST" || message?.id === undefined) {
    res.writeHead(202).end();
    return;
  }
  const result =
    message.method === "initialize"
      ? { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: { tools: {} }, serverInfo: { name: `BenchServer${index}`, version: "1.0.0" } }
      : { tools };
  const text = JSON.stringify({ jsonrpc: "2.0", id: message.id, result });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "mcp-session-id": "floor" }).end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
}

async function startOne(index: number, toolCount: number): Promise<{ url: string; server: http.Server }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const tools = Array.from({ length: toolCount }, (_, t) => syntheticTool(index, t));
  const httpServer = http.createServer(async (req, res) => {
    try {
      if (req.url === FLOOR_PATH) {
        answerFloor(req, res, await readJson(req), index, tools);
        return;
      }
      const sessionId = req.headers["mcp-session-id"];
      const existing = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
      const body = req.method === "POST" ? await readJson(req) : undefined;
      if (existing) {
        await existing.handleRequest(req, res, body);
        return;
      }
      if (req.method === "POST" && isInitializeRequest(body)) {
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          // As our host answers (servers/shared/http-host.ts), and as the wire floor does: JSON, not a one-event stream.
          enableJsonResponse: true,
          onsessioninitialized: (id) => void sessions.set(id, transport),
        });
        transport.onclose = () => {
          if (transport.sessionId) sessions.delete(transport.sessionId);
        };
        await createServer(index, tools).connect(transport);
        await transport.handleRequest(req, res, body);
        return;
      }
      res.writeHead(sessionId ? 404 : 400, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message: "no valid session" } }));
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, server: httpServer };
}

const [count, toolCount] = [process.argv[2], process.argv[3]].map((arg) => {
  const value = Number(arg);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`expected <servers> <tools per server>, got ${process.argv.slice(2).join(" ")}`);
  return value;
}) as [number, number];
const started = await Promise.all(Array.from({ length: count }, (_, index) => startOne(index, toolCount)));
serveParent({ urls: started.map((entry) => entry.url) });
