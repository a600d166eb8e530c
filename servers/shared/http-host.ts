/**
 * The HTTP host both servers use: listens, routes legacy SSE and Streamable HTTP to per-session
 * `Server`s, answers `/healthz`, and closes. The checks every request passes are in request-guards.ts,
 * the sessions and their limits in session-registry.ts, the options and their defaults in host-options.ts.
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest, JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { allowedHostnames, clientAddress, listeningLine, urlHost } from "./addresses.js";
import { clip } from "./echo.js";
import { HostStartError, resolveHostConfig, type HostConfig, type StartOptions } from "./host-options.js";
import { sendError } from "./http-errors.js";
import { rateLimitedLog } from "./rate-limited-log.js";
import { bearerAuth, credentialOf, hostAndOriginChecks, jsonBody, sameCredential } from "./request-guards.js";
import { streamProgressCalls } from "./progress-stream.js";
import { SessionRegistry, type SessionCounts as RegistryCounts, type SessionSlot } from "./session-registry.js";

export { HOST_DEFAULTS, HostStartError, type StartOptions } from "./host-options.js";

/** Live sessions per transport, for health checks and leak tests. */
export interface SessionCounts extends RegistryCounts {
  /** Stateless Streamable HTTP requests being served right now. */
  statelessInFlight: number;
}

/** A server listening on HTTP. */
export interface RunningServer {
  /** MCP server name, e.g. `MathServer`. */
  name: string;
  /** `http://host:port`, no trailing slash; the MCP endpoints are `${url}/mcp` and `${url}/sse`. A wildcard bind gives the loopback URL. */
  url: string;
  /** The address bound, e.g. `127.0.0.1` or `0.0.0.0`. */
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
  /** Tools that report progress: a call to one that carries a `progressToken` is answered as an SSE stream. */
  progressToolNames?: readonly string[];
  defaultPort: number;
  /** Called once per session (or per request when stateless): sessions never share a `Server`. */
  createServer: () => Server;
}

/** How long close() lets in-flight responses finish before cutting their connections. */
const CLOSE_GRACE_MS = 1000;
/** Node closes idle keep-alive sockets after 5 s, about when a client pool reuses them; a request sent into that race fails. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Serves one MCP server over legacy SSE (`GET /sse` + `POST /messages?sessionId=`) and Streamable HTTP
 * (`/mcp`), plus `GET /healthz`. Host, Origin and the token are checked on every route before anything else runs.
 * @throws HostStartError for a bad option (a token with characters RFC 6750 forbids, a non-loopback bind
 *   without a token, a limit that is not a positive integer), or when the port cannot be bound.
 */
export async function startHttpHost(hosted: HostedServer, options: StartOptions = {}): Promise<RunningServer> {
  const config = resolveHostConfig(hosted.name, hosted.defaultPort, options);
  const info = config.quiet ? () => {} : (message: string) => console.log(message);
  const logError = config.quiet ? () => {} : (message: string) => console.error(message);

  const registry = new SessionRegistry(
    hosted.name,
    {
      maxSessions: config.maxSessions,
      maxSessionsPerClient: config.maxSessionsPerClient,
      idleTimeoutMs: config.sessionIdleTimeoutMs,
      maxUnsentBytes: config.maxUnsentBytes,
      keepAliveIntervalMs: config.keepAliveIntervalMs,
    },
    logError,
  );
  const statelessInFlight = new Set<Server>();
  const sessions = (): SessionCounts => ({ ...registry.counts(), statelessInFlight: statelessInFlight.size });
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
  app.use(hostAndOriginChecks(allowedHostnames(config.host, config.allowedHosts)));
  if (config.authToken !== undefined) app.use(bearerAuth(config.authToken));

  app.get("/healthz", (_req, res) => {
    res.json({
      status: "ok",
      name: hosted.name,
      version: hosted.version,
      tools: hosted.toolNames,
      transports: { sse: "/sse", streamableHttp: "/mcp", stateless: config.stateless },
      sessions: sessions(),
    });
  });
  const routes: RouteContext = { hosted, config, registry, statelessInFlight, parseJson: jsonBody(config.maxBodyBytes) };
  addLegacySseRoutes(app, routes);
  addStreamableHttpRoutes(app, routes);
  addFallbacks(app, hosted.name, logError);

  const httpServer = createBoundedHttpServer(app, config, hosted.name, rateLimitedLog(logError));
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await registry.closeAll();
    const reason = error instanceof Error ? error.message : String(error);
    throw new HostStartError(`${hosted.name} could not listen on ${config.host}:${config.port}: ${reason}`, hosted.name, { cause: error });
  }

  const boundPort = (httpServer.address() as AddressInfo).port;
  info(listeningLine(hosted.name, config.host, boundPort, config.stateless));

  function close(): Promise<void> {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Closing a transport ends its SSE stream(s); until then those responses keep their sockets busy.
      await Promise.allSettled([registry.closeAll(), ...[...statelessInFlight].map((server) => server.close())]);
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

  return { name: hosted.name, url: `http://${urlHost(config.host)}:${boundPort}`, host: config.host, port: boundPort, sessions, close };
}

/** What the route handlers share. */
interface RouteContext {
  hosted: HostedServer;
  config: HostConfig;
  registry: SessionRegistry;
  /** Stateless Streamable HTTP requests being served, each with its own `Server`. */
  statelessInFlight: Set<Server>;
  parseJson: RequestHandler;
}

/** Legacy HTTP+SSE (2024-11-05): `GET /sse` opens a session, `POST /messages?sessionId=` talks to it. */
function addLegacySseRoutes(app: Express, { hosted, registry, parseJson }: RouteContext): void {
  app.get("/sse", async (req, res) => {
    const slot = claimSlot(registry, req, res);
    if (slot === undefined) return;
    const session = registry.openSse(slot, credentialOf(req), res);
    await hosted.createServer().connect(session.transport);
    if (res.closed) await session.transport.close();
  });

  // The session is looked up before the body is read: a POST to a session that is not there, or not
  // the caller's, is refused without reading what it sends.
  const sessionOf = (req: Request, res: Response) => {
    const sessionId = typeof req.query.sessionId === "string" ? req.query.sessionId : undefined;
    if (sessionId === undefined) {
      return sendError(res, 400, -32000, "Missing sessionId query parameter: open GET /sse first and post to the endpoint it announces");
    }
    const session = registry.sse(sessionId);
    if (session === undefined) return sendError(res, 404, -32001, "Session not found: it was closed or never existed; reconnect to GET /sse");
    if (!sameCredential(session.credential, credentialOf(req))) {
      return sendError(res, 403, -32000, "Forbidden: this session was opened with a different bearer token; post with the token that opened it");
    }
    return session;
  };
  const findSession: RequestHandler = (req, res, next) => {
    if (sessionOf(req, res) !== undefined) next();
  };
  app.post("/messages", findSession, parseJson, async (req, res) => {
    // Looked up again: the stream may have closed while the body arrived.
    const session = sessionOf(req, res);
    if (session === undefined) return;
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
    session.received(req.body as JSONRPCMessage);
    await session.transport.handlePostMessage(req, res, req.body);
  });
}

/** Streamable HTTP on `/mcp`: stateful sessions (`Mcp-Session-Id`), or a fresh `Server` per POST when stateless. */
function addStreamableHttpRoutes(app: Express, { hosted, config, registry, statelessInFlight, parseJson }: RouteContext): void {
  // As for /messages: the session and its token are checked before the body is read.
  const findSession: RequestHandler = (req, res, next) => {
    const sessionId = req.header("mcp-session-id");
    if (config.stateless || sessionId === undefined) return next();
    const session = registry.streamable(sessionId);
    if (session === undefined) {
      return sendError(res, 404, -32001, "Session not found: it expired or was closed; start a new one with initialize");
    }
    if (!sameCredential(session.credential, credentialOf(req))) {
      return sendError(res, 403, -32000, "Forbidden: this session was opened with a different bearer token; use the token that opened it");
    }
    res.locals.session = session;
    next();
  };

  /** A request in the session `findSession` found, unless it closed meanwhile. */
  const serveSession = async (req: Request, res: Response) => {
    const session = registry.streamable(req.header("mcp-session-id") ?? "");
    if (session === undefined || session !== res.locals.session) {
      return sendError(res, 404, -32001, "Session not found: it expired or was closed; start a new one with initialize");
    }
    session.track(req, res);
    await session.transport.handleRequest(req, res, req.body);
  };

  const serveStateless = async (req: Request, res: Response) => {
    const server = hosted.createServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: config.maxBodyBytes });
    streamProgressCalls(transport, hosted.progressToolNames ?? []);
    statelessInFlight.add(server);
    res.once("close", () => {
      statelessInFlight.delete(server);
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };

  app.post("/mcp", findSession, parseJson, async (req, res) => {
    if (config.stateless) return serveStateless(req, res);
    if (req.header("mcp-session-id") !== undefined) return serveSession(req, res);
    if (req.body === undefined) {
      return sendError(res, 415, -32000, "Unsupported Media Type: Content-Type must be application/json");
    }
    if (!isInitialize(req.body)) {
      return sendError(res, 400, -32000, "Bad Request: no Mcp-Session-Id header; start a session with an initialize request");
    }
    const slot = claimSlot(registry, req, res);
    if (slot === undefined) return;
    const session = registry.openStreamable(slot, credentialOf(req), config.maxBodyBytes);
    streamProgressCalls(session.transport, hosted.progressToolNames ?? []);
    await hosted.createServer().connect(session.transport);
    session.track(req, res);
    await session.transport.handleRequest(req, res, req.body);
  });

  const getOrDelete: RequestHandler = async (req, res) => {
    if (config.stateless) {
      res.setHeader("Allow", "POST");
      return sendError(res, 405, -32000, "Method not allowed: this server is stateless; POST to /mcp");
    }
    if (req.header("mcp-session-id") === undefined) return sendError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required");
    await serveSession(req, res);
  };
  app.get("/mcp", findSession, getOrDelete);
  app.delete("/mcp", findSession, getOrDelete);
  app.all("/mcp", (_req, res) => {
    res.setHeader("Allow", config.stateless ? "POST" : "GET, POST, DELETE");
    sendError(res, 405, -32000, "Method not allowed");
  });
}

/** A JSON 404 for unknown routes, and the error handler every route's failures end in. */
function addFallbacks(app: Express, serverName: string, logError: (message: string) => void): void {
  app.use((req, res) => {
    sendError(res, 404, -32000, `Not found: ${clip(req.method)} ${clip(req.path)}. Routes: GET /sse, POST /messages, GET|POST|DELETE /mcp, GET /healthz`);
  });
  // Four parameters mark an error handler for express.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(error);
    if (status !== undefined && status >= 400 && status < 500) {
      return sendError(res, status, -32000, clip(error instanceof Error ? error.message : "Bad Request"));
    }
    logError(`${serverName}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sendError(res, 500, -32603, "Internal server error");
  });
}

/** A place under the session caps, or undefined after answering 429/503 with `Retry-After`. */
function claimSlot(registry: SessionRegistry, req: Request, res: Response): SessionSlot | undefined {
  const claim = registry.claim(clientAddress(req.socket.remoteAddress));
  if (!claim.refused) return claim;
  sendError(res, claim.status, -32000, claim.message, { "Retry-After": String(claim.retryAfterSeconds) });
  return undefined;
}

/** The Node HTTP server with the connection-level limits: timeouts, the connection cap. */
function createBoundedHttpServer(app: Express, config: HostConfig, serverName: string, warn: (kind: string, message: string) => void): HttpServer {
  const httpServer = createHttpServer(
    {
      // Slowloris: a client that sends its headers (or its body) a byte at a time holds a socket and a
      // file descriptor for as long as we let it. Neither applies once a request is complete, so open
      // streams (GET /sse, the Streamable HTTP GET stream) and long tool calls are not cut.
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // Node checks the two timeouts only this often (30 s by default), which would stretch them.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, config.headersTimeoutMs / 4)),
    },
    app,
  );
  httpServer.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Past this, Node closes each new connection as it is accepted: file descriptors stay for the ones we have.
  httpServer.maxConnections = config.maxConnections;
  httpServer.on("drop", (dropped) => {
    warn("connections", `${serverName}: ${config.maxConnections} connections open (MCP_MAX_CONNECTIONS); closing new ones (${dropped?.remoteAddress ?? "unknown"})`);
  });
  return httpServer;
}

function isInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((message) => isInitializeRequest(message)) : isInitializeRequest(body);
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  if (typeof status === "number") return status;
  return typeof statusCode === "number" ? statusCode : undefined;
}
