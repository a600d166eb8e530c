import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { hostHeaderValidation } from "@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";

/** How to start a server; every field optional. */
export interface StartOptions {
  /** Address to bind; default `127.0.0.1`. A non-loopback address requires `authToken`. */
  host?: string;
  /** TCP port; `0` picks a free one (read it back from {@link RunningServer.port}). Default: the server's well-known port. */
  port?: number;
  /** Streamable HTTP without sessions: a fresh `Server` per request, for replicas behind a load balancer. */
  stateless?: boolean;
  /** When set, every request must carry `Authorization: Bearer <authToken>` (else 401). */
  authToken?: string;
  /** Do not log the listening line and unexpected errors. */
  quiet?: boolean;
  /** Largest accepted request body; larger bodies get 413. Default 256 KiB. */
  maxBodyBytes?: number;
  /** A Streamable HTTP session with no open request for this long is closed. Default 10 minutes. */
  sessionIdleTimeoutMs?: number;
  /** Extra hostnames accepted in `Host`/`Origin` besides loopback names and the bound address. */
  allowedHosts?: string[];
}

/** Live sessions per transport, for health checks and leak tests. */
export interface SessionCounts {
  sse: number;
  streamableHttp: number;
  /** Stateless Streamable HTTP requests being served right now. */
  statelessInFlight: number;
}

/** A server listening on HTTP. */
export interface RunningServer {
  /** MCP server name, e.g. `MathServer`. */
  name: string;
  /** `http://host:port`, no trailing slash; the MCP endpoints are `${url}/mcp` and `${url}/sse`. */
  url: string;
  host: string;
  port: number;
  /** Live session counts (read-only snapshot). */
  sessions(): SessionCounts;
  /** Ends open SSE streams and sessions, stops listening. Idempotent. */
  close(): Promise<void>;
}

/** What the host needs to know about one MCP server. */
export interface HostedServer {
  name: string;
  version: string;
  toolNames: readonly string[];
  defaultPort: number;
  /** Called once per session (or per request when stateless): sessions never share a `Server`. */
  createServer: () => Server;
}

/** A configuration the host refuses to run with, or a port it could not bind. */
export class HostStartError extends Error {
  constructor(
    message: string,
    readonly serverName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "HostStartError";
  }
}

const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_SESSION_IDLE_MS = 10 * 60 * 1000;
/** How long close() lets in-flight responses finish before cutting their connections. */
const CLOSE_GRACE_MS = 1000;
const LOOPBACK_HOSTNAMES = ["localhost", "127.0.0.1", "[::1]"];

interface StreamableSession {
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
  openRequests: number;
}

/**
 * Serves one MCP server over legacy SSE (`GET /sse` + `POST /messages?sessionId=`) and Streamable HTTP
 * (`/mcp`), plus `GET /healthz`. Host and Origin are checked on every route before anything else runs.
 * @throws HostStartError for a non-loopback bind without a token, or when the port cannot be bound.
 */
export async function startHttpHost(hosted: HostedServer, options: StartOptions = {}): Promise<RunningServer> {
  const bindHost = (options.host ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  const port = options.port ?? hosted.defaultPort;
  const stateless = options.stateless ?? false;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const idleMs = options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_MS;
  const info = options.quiet ? () => {} : (message: string) => console.log(message);
  const logError = options.quiet ? () => {} : (message: string) => console.error(message);

  if (options.authToken !== undefined && options.authToken.length === 0) {
    throw new HostStartError(`${hosted.name}: the auth token must not be empty`, hosted.name);
  }
  if (!isLoopback(bindHost) && options.authToken === undefined) {
    throw new HostStartError(
      `${hosted.name}: refusing to bind non-loopback address ${bindHost} without a bearer token; ` +
        "set MCP_AUTH_TOKEN (or bind 127.0.0.1)",
      hosted.name,
    );
  }

  const allowed = allowedHostnames(bindHost, options.allowedHosts ?? []);
  const sseSessions = new Map<string, SSEServerTransport>();
  const streamableSessions = new Map<string, StreamableSession>();
  const statelessInFlight = new Set<Server>();
  let closing: Promise<void> | undefined;
  // Requests whose response has not closed yet; close() waits for them, then cuts whatever sockets remain.
  let inFlight = 0;
  let onDrained: (() => void) | undefined;

  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    inFlight += 1;
    res.once("close", () => {
      inFlight -= 1;
      if (inFlight === 0) onDrained?.();
    });
    next();
  });
  app.use((_req, res, next) => {
    if (closing === undefined) return next();
    res.setHeader("Connection", "close");
    sendError(res, 503, -32000, `${hosted.name} is shutting down`);
  });
  // DNS-rebinding protection: a browser tricked into talking to us carries a foreign Host or Origin.
  app.use(hostHeaderValidation([...allowed]));
  app.use(originValidation(allowed));
  if (options.authToken !== undefined) app.use(bearerAuth(options.authToken));

  const parseJson = express.json({ limit: maxBodyBytes });

  app.get("/healthz", (_req, res) => {
    res.json({
      status: "ok",
      name: hosted.name,
      version: hosted.version,
      tools: hosted.toolNames,
      transports: { sse: "/sse", streamableHttp: "/mcp", stateless },
      sessions: sessions(),
    });
  });

  app.get("/sse", async (_req, res) => {
    const transport = new SSEServerTransport("/messages", res);
    const { sessionId } = transport;
    sseSessions.set(sessionId, transport);
    // The transport itself reports the stream closing (client gone or close()); the map must not outlive it.
    transport.onclose = () => sseSessions.delete(sessionId);
    await hosted.createServer().connect(transport);
    if (res.closed) await transport.close();
  });

  app.post("/messages", parseJson, async (req, res) => {
    const sessionId = typeof req.query.sessionId === "string" ? req.query.sessionId : undefined;
    if (sessionId === undefined) {
      return sendError(res, 400, -32000, "Missing sessionId query parameter: open GET /sse first and post to the endpoint it announces");
    }
    const transport = sseSessions.get(sessionId);
    if (transport === undefined) {
      return sendError(res, 404, -32001, "Session not found: it was closed or never existed; reconnect to GET /sse");
    }
    // The SDK's SSE transport answers these in plain text; a client deserves the JSON-RPC error /mcp gives.
    if (req.body === undefined) {
      return sendError(res, 415, -32000, "Unsupported Media Type: Content-Type must be application/json");
    }
    if (Array.isArray(req.body)) {
      return sendError(res, 400, -32600, "Invalid Request: JSON-RPC batches are not supported; send one message per request");
    }
    if (!JSONRPCMessageSchema.safeParse(req.body).success) {
      return sendError(res, 400, -32600, 'Invalid Request: the body is not a JSON-RPC 2.0 message (needs "jsonrpc": "2.0" and a method or result)');
    }
    await transport.handlePostMessage(req, res, req.body);
  });

  app.post("/mcp", parseJson, async (req, res) => {
    if (stateless) return serveStateless(req, res);
    const sessionId = req.header("mcp-session-id");
    if (sessionId !== undefined) return serveSession(sessionId, req, res);
    if (req.body === undefined) {
      return sendError(res, 415, -32000, "Unsupported Media Type: Content-Type must be application/json");
    }
    if (!isInitialize(req.body)) {
      return sendError(res, 400, -32000, "Bad Request: no Mcp-Session-Id header; start a session with an initialize request");
    }
    const session: StreamableSession = {
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        // A POST's answer as plain JSON rather than a one-event SSE stream: −19 % latency and −27 % client
        // CPU per call in the bench. Our tools send no progress or log notifications mid-call that a
        // stream would carry; server-initiated messages still flow on the session's GET stream.
        enableJsonResponse: true,
        maxRequestBodySize: maxBodyBytes,
        onsessioninitialized: (id) => {
          streamableSessions.set(id, session);
        },
      }),
      lastSeen: Date.now(),
      openRequests: 0,
    };
    session.transport.onclose = () => {
      const id = session.transport.sessionId;
      if (id !== undefined) streamableSessions.delete(id);
    };
    await hosted.createServer().connect(session.transport);
    await handleInSession(session, req, res);
  });

  const getOrDelete: RequestHandler = async (req, res) => {
    if (stateless) {
      res.setHeader("Allow", "POST");
      return sendError(res, 405, -32000, "Method not allowed: this server is stateless; POST to /mcp");
    }
    const sessionId = req.header("mcp-session-id");
    if (sessionId === undefined) return sendError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required");
    await serveSession(sessionId, req, res);
  };
  app.get("/mcp", getOrDelete);
  app.delete("/mcp", getOrDelete);
  app.all("/mcp", (_req, res) => {
    res.setHeader("Allow", stateless ? "POST" : "GET, POST, DELETE");
    sendError(res, 405, -32000, "Method not allowed");
  });

  app.use((req, res) => {
    sendError(res, 404, -32000, `Not found: ${req.method} ${req.path}. Routes: GET /sse, POST /messages, GET|POST|DELETE /mcp, GET /healthz`);
  });

  // Express routes body-parser and handler failures here; four parameters mark an error handler.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(error);
    if (status === 413) return sendError(res, 413, -32000, `Payload Too Large: request body exceeds ${maxBodyBytes} bytes`);
    if (status === 400 && typeOf(error) === "entity.parse.failed") {
      return sendError(res, 400, -32700, "Parse error: request body is not valid JSON");
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return sendError(res, status, -32000, error instanceof Error ? error.message : "Bad Request");
    }
    logError(`${hosted.name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sendError(res, 500, -32603, "Internal server error");
  });

  async function serveSession(sessionId: string, req: Request, res: Response): Promise<void> {
    const session = streamableSessions.get(sessionId);
    if (session === undefined) {
      return sendError(res, 404, -32001, "Session not found: it expired or was closed; start a new one with initialize");
    }
    await handleInSession(session, req, res);
  }

  async function handleInSession(session: StreamableSession, req: Request, res: Response): Promise<void> {
    session.openRequests += 1;
    session.lastSeen = Date.now();
    res.once("close", () => {
      session.openRequests -= 1;
      session.lastSeen = Date.now();
    });
    await session.transport.handleRequest(req, res, req.body);
  }

  async function serveStateless(req: Request, res: Response): Promise<void> {
    const server = hosted.createServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: maxBodyBytes });
    statelessInFlight.add(server);
    res.once("close", () => {
      statelessInFlight.delete(server);
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  function sessions(): SessionCounts {
    return { sse: sseSessions.size, streamableHttp: streamableSessions.size, statelessInFlight: statelessInFlight.size };
  }

  // Clients that vanish without DELETE (the SDK client's close() sends none) would otherwise stay forever.
  const sweeper = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const session of streamableSessions.values()) {
        if (session.openRequests === 0 && session.lastSeen < cutoff) void session.transport.close();
      }
    },
    Math.max(10, Math.min(idleMs / 2, 60_000)),
  );
  sweeper.unref();

  const httpServer = createHttpServer(app);
  // Node closes idle keep-alive sockets after 5 s, about when a client pool reuses them; a request sent
  // into that race fails with a socket error. Outlast the clients' own idle timeouts instead.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(port, bindHost, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(sweeper);
    const reason = error instanceof Error ? error.message : String(error);
    throw new HostStartError(`${hosted.name} could not listen on ${bindHost}:${port}: ${reason}`, hosted.name, { cause: error });
  }

  const boundPort = (httpServer.address() as AddressInfo).port;
  const url = `http://${urlHost(bindHost)}:${boundPort}`;
  info(`${hosted.name} listening on ${url}  (Streamable HTTP ${url}/mcp${stateless ? ", stateless" : ""}; SSE ${url}/sse)`);

  function close(): Promise<void> {
    closing ??= (async () => {
      clearInterval(sweeper);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Closing a transport ends its SSE stream(s); until then those responses keep their sockets busy.
      await Promise.allSettled([
        ...[...sseSessions.values()].map((transport) => transport.close()),
        ...[...streamableSessions.values()].map((session) => session.transport.close()),
        ...[...statelessInFlight].map((server) => server.close()),
      ]);
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CLOSE_GRACE_MS);
          onDrained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      // What is left are idle keep-alive sockets, or ones a client opened without a request yet.
      httpServer.closeAllConnections();
      await stopped;
    })();
    return closing;
  }

  return { name: hosted.name, url, host: bindHost, port: boundPort, sessions, close };
}

function isInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((message) => isInitializeRequest(message)) : isInitializeRequest(body);
}

/** JSON-RPC error body, as the MCP transports answer; never after headers went out. */
function sendError(res: Response, status: number, code: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}

function originValidation(allowed: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    // Non-browser clients send no Origin; browsers always do on cross-origin fetches, which is the attack.
    if (origin === undefined) return next();
    let originHost: string | undefined;
    try {
      const parsed = new URL(origin);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") originHost = parsed.hostname;
    } catch {
      // "null" and other opaque origins are refused below.
    }
    if (originHost === undefined || !allowed.has(originHost)) {
      return sendError(res, 403, -32000, `Invalid Origin: ${origin}`);
    }
    next();
  };
}

function bearerAuth(token: string): RequestHandler {
  // Comparing digests keeps the comparison constant-time and independent of the token's length.
  const expected = sha256(token);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (match?.[1] !== undefined && timingSafeEqual(sha256(match[1]), expected)) return next();
    res.setHeader("WWW-Authenticate", 'Bearer realm="mcp"');
    sendError(res, 401, -32000, "Unauthorized: send Authorization: Bearer <MCP_AUTH_TOKEN>");
  };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === "localhost" || lower === "::1" || (isIP(lower) === 4 && lower.startsWith("127."));
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

/** Hostnames as `new URL()` spells them (lower case, IPv6 in brackets), the form Host checks compare. */
function allowedHostnames(bindHost: string, extra: readonly string[]): Set<string> {
  const names = new Set(LOOPBACK_HOSTNAMES);
  const add = (host: string) => {
    try {
      names.add(new URL(`http://${urlHost(host)}`).hostname);
    } catch {
      // Scoped IPv6 addresses (fe80::1%eth0) are not valid URL hosts; no client can send them as Host either.
    }
  };
  if (isWildcard(bindHost)) {
    add(hostname());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) add(address.address);
    }
  } else {
    add(bindHost);
  }
  extra.forEach(add);
  return names;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return isIP(host) === 6 ? `[${host}]` : host;
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  if (typeof status === "number") return status;
  return typeof statusCode === "number" ? statusCode : undefined;
}

function typeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { type?: unknown }).type : undefined;
}
