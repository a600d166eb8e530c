import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport, SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike, Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, McpError, type ServerCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { noteInsufficientScope, prepareAuth } from "./auth/login.js";
import { httpFetch, ResponseTooLargeError } from "./http-fetch.js";
import type { HttpServerConfig, ServerConfig, TransportKind } from "./types.js";

/**
 * The request provably did not reach a tool: the connection was refused, or the HTTP server
 * rejected the POST with a 4xx status (unknown session after a restart, wrong endpoint) before
 * dispatching it. Streamable HTTP and SSE servers answer every dispatched request with 2xx, so a
 * 4xx means nothing ran. Raised by {@link deliveryAwareFetch}, which both SDK transports use.
 */
export class RequestNotDeliveredError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : options);
    this.name = "RequestNotDeliveredError";
    this.status = status;
  }
}

export type FailureKind = "not-delivered" | "connection" | "other";

/**
 * Sorts a failed request: `not-delivered` (nothing ran, safe to repeat), `connection` (the session
 * broke and the request may have run), `other` (the server answered, e.g. a JSON-RPC error).
 */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof RequestNotDeliveredError) return "not-delivered";
  // 401, or a 403 the SDK's scope step-up could not settle: refused before anything was dispatched.
  if (error instanceof UnauthorizedError) return "not-delivered";
  if (error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403)) return "not-delivered";
  // Thrown by the SDK (Protocol.request, every transport's send) before anything is written.
  if (error instanceof Error && error.message === "Not connected") return "not-delivered";
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed ? "connection" : "other";
  if (error instanceof StreamableHTTPError || error instanceof SseError) return "connection";
  if (error instanceof TypeError && error.message === "fetch failed") return error.cause instanceof ResponseTooLargeError ? "other" : "connection";
  if (error instanceof Error && "code" in error && typeof error.code === "string" && /^(E[A-Z]+|UND_ERR_\w+)$/.test(error.code)) {
    return "connection";
  }
  return "other";
}

/** Human-readable reason, including the network cause that `fetch failed` hides. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (error.message === "fetch failed" && cause instanceof Error) {
    const code = "code" in cause && typeof cause.code === "string" ? cause.code : "";
    return `fetch failed: ${code || cause.message}`;
  }
  return error.message;
}

// Connection-level codes for which the TCP connection was never established.
const NOT_CONNECTED_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"]);

function networkCode(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && "code" in cause && typeof cause.code === "string") return cause.code;
  return undefined;
}

/**
 * `fetch` that turns "nothing reached the server" into {@link RequestNotDeliveredError}. The SDK
 * sends its OAuth requests (discovery, registration, token) through it too; they pass as they are.
 * `onInsufficientScope` hears of a 403 `insufficient_scope` challenge.
 */
export function deliveryAwareFetch(onInsufficientScope?: () => void): FetchLike {
  return async (url, init) => {
    let response: Response;
    try {
      response = await httpFetch(url, init);
    } catch (error) {
      const code = networkCode(error);
      if (code && NOT_CONNECTED_CODES.has(code)) {
        throw new RequestNotDeliveredError(`cannot reach ${String(url)}: ${code}`, undefined, { cause: error });
      }
      throw error;
    }
    // 401/403 stay with the SDK, which runs its OAuth flow on them.
    if (response.status === 403 && /error\s*=\s*"?insufficient_scope/.test(response.headers.get("www-authenticate") ?? "")) onInsufficientScope?.();
    const status = response.status;
    // The body test last: it is a regex over the whole request, and most answers are 2xx.
    if (init?.method === "POST" && status >= 400 && status < 500 && status !== 401 && status !== 403 && isJsonRpc(init.body)) {
      const body = await response.text().catch(() => "");
      throw new RequestNotDeliveredError(`HTTP ${response.status} from POST ${String(url)}${body ? `: ${body.slice(0, 300)}` : ""}`, response.status);
    }
    return response;
  };
}

// MCP messages, not the SDK's OAuth requests (a form, or a registration document), whose 4xx it reads itself.
function isJsonRpc(body: unknown): boolean {
  return typeof body === "string" && /"jsonrpc"\s*:\s*"2\.0"/.test(body);
}

export interface OpenedClient {
  client: Client;
  kind: TransportKind;
}

/**
 * Connects a fresh client (from `makeClient`) to the server. For an HTTP entry without `transport`,
 * tries Streamable HTTP and, when the endpoint rejects it with a 4xx, legacy SSE at
 * {@link sseFallbackUrl}. A URL whose path ends in `/sse` is SSE.
 * @throws the last connection error; on timeout or abort every transport opened here is closed.
 */
export async function openClient(
  config: ServerConfig,
  makeClient: () => Client,
  options: { timeoutMs: number; signal: AbortSignal; takesRequests?: boolean },
): Promise<OpenedClient> {
  await prepareAuth(config);
  const deadline = Date.now() + options.timeoutMs;
  const attempt = async (kind: TransportKind, transport: (client: Client) => Transport | Promise<Transport>) => {
    const client = makeClient();
    return connectWithin(client, await transport(client), kind, deadline, options).catch((error: unknown) => {
      throw withAuthHint(config, error);
    });
  };
  if ("command" in config) {
    return attempt("stdio", async () => {
      // Loaded only for a stdio server: it brings cross-spawn, which an HTTP-only run never needs.
      const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
      return new StdioClientTransport({ command: config.command, args: config.args ?? [], env: config.env, cwd: config.cwd, stderr: config.stderr ?? "inherit" });
    });
  }
  const kind = config.transport ?? (new URL(config.url).pathname.replace(/\/+$/, "").endsWith("/sse") ? "sse" : undefined);
  if (kind === "sse") return attempt("sse", () => sseTransport(config, config.url));
  const takesRequests = options.takesRequests ?? false;
  if (kind === "http") return attempt("http", (client) => httpTransport(config, client, takesRequests));
  try {
    return await attempt("http", (client) => httpTransport(config, client, takesRequests));
  } catch (error) {
    if (!(error instanceof RequestNotDeliveredError && error.status !== undefined)) throw error;
    const fallback = sseFallbackUrl(config.url);
    try {
      return await attempt("sse", () => sseTransport(config, fallback));
    } catch (sseError) {
      throw new Error(
        `Streamable HTTP at ${config.url} failed (${describeFailure(error)}); SSE fallback at ${fallback} failed (${describeFailure(sseError)})`,
        { cause: sseError },
      );
    }
  }
}

/** A 401 from a server configured without a way to authenticate says what would give it one. */
function withAuthHint(config: ServerConfig, error: unknown): unknown {
  if ("command" in config || config.authProvider || !(error instanceof StreamableHTTPError || error instanceof SseError) || error.code !== 401) return error;
  const header = config.headers && Object.keys(config.headers).some((name) => name.toLowerCase() === "authorization");
  const hint = header ? "the Authorization header was refused" : 'it wants authorization: give the server "auth": {} (OAuth) or "headers": {"Authorization": "Bearer …"}';
  return new Error(`HTTP 401 from ${config.url}: ${hint}`, { cause: error });
}

/**
 * Where legacy SSE lives for a Streamable HTTP URL: servers that offer both (ours, the MCP
 * reference servers, FastMCP) serve `/mcp` and `/sse` side by side, so `…/mcp` maps to `…/sse`;
 * any other URL is kept, as the SDK's backwards-compatibility guide does.
 */
export function sseFallbackUrl(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, "");
  if (!path.endsWith("/mcp")) return url;
  parsed.pathname = `${path.slice(0, -"/mcp".length)}/sse`;
  return parsed.toString();
}

/**
 * Whether a server may send messages outside any request of ours, which arrive on the standalone GET
 * stream: list changes, resource updates, log messages.
 */
function sendsUnprompted(capabilities: ServerCapabilities | undefined): boolean {
  if (!capabilities) return true;
  const { tools, prompts, resources, logging } = capabilities;
  return Boolean(tools?.listChanged || prompts?.listChanged || resources?.listChanged || resources?.subscribe || logging);
}

/**
 * The SDK opens the standalone GET stream to every Streamable HTTP server once initialized. To a
 * server that declares nothing it would send there, that stream is a request and an open response
 * per session for nothing (11 % of connect time at 50 servers in the bench): the GET is answered
 * here with the 405 the SDK reads as "the server offers no stream". A client that takes requests
 * (`takesRequests`: it declared elicitation, sampling or roots) keeps it whatever the server
 * declares: a server's question outside any call of ours can only come there.
 */
function streamOnlyToNotifyingServers(base: FetchLike, client: Client, takesRequests: boolean): FetchLike {
  return (url, init) => {
    // A GET with Last-Event-ID resumes a broken response stream of a request: always the server's to answer.
    const unwanted =
      init?.method === "GET" && !takesRequests && !new Headers(init.headers).has("last-event-id") && !sendsUnprompted(client.getServerCapabilities());
    return unwanted ? Promise.resolve(new Response(null, { status: 405 })) : base(url, init);
  };
}

function httpTransport(config: HttpServerConfig, client: Client, takesRequests: boolean): Transport {
  return new StreamableHTTPClientTransport(new URL(config.url), {
    fetch: streamOnlyToNotifyingServers(deliveryAwareFetch(() => noteInsufficientScope(config)), client, takesRequests),
    requestInit: config.headers ? { headers: config.headers } : undefined,
    authProvider: config.authProvider,
    // The SDK reopens a dropped GET stream of a live session (server notifications arrive there);
    // a dead session is ours to replace: its transport errors lead to a ping, and a failed ping to a new session.
    reconnectionOptions: { maxRetries: 2, initialReconnectionDelay: 250, maxReconnectionDelay: 2_000, reconnectionDelayGrowFactor: 2 },
  });
}

function sseTransport(config: HttpServerConfig, url: string): Transport {
  return new SSEClientTransport(new URL(url), {
    fetch: deliveryAwareFetch(),
    requestInit: config.headers ? { headers: config.headers } : undefined,
    authProvider: config.authProvider,
  });
}

async function connectWithin(
  client: Client,
  transport: Transport,
  kind: TransportKind,
  deadline: number,
  options: { timeoutMs: number; signal: AbortSignal; takesRequests?: boolean },
): Promise<OpenedClient> {
  const remaining = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  // Client.connect alone cannot be bounded: an SSE stream that never sends its endpoint event
  // keeps transport.start() pending forever. Race it and close the transport on the way out.
  const stop = new Promise<never>((_, reject) => {
    if (remaining <= 0) return reject(new Error(`timed out after ${options.timeoutMs} ms connecting`));
    timer = setTimeout(() => reject(new Error(`timed out after ${options.timeoutMs} ms connecting`)), remaining);
    onAbort = () => reject(new Error("connecting was cancelled"));
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
  });
  const connecting = client.connect(transport, { timeout: Math.max(remaining, 1) });
  try {
    await Promise.race([connecting, stop]);
    return { client, kind };
  } catch (error) {
    connecting.catch(() => undefined);
    await client.close().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal.removeEventListener("abort", onAbort);
  }
}
