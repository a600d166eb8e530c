import { isLoopback } from "./addresses.js";

/** How to start a server; every field optional. Each limit has an environment variable (servers/README.md). */
export interface StartOptions {
  /** Address to bind; default `127.0.0.1`. A non-loopback address requires `authToken`. */
  host?: string;
  /** TCP port; `0` picks a free one (read it back from {@link RunningServer.port}). Default: the server's well-known port. */
  port?: number;
  /** Streamable HTTP without sessions: a fresh `Server` per request, for replicas behind a load balancer. */
  stateless?: boolean;
  /** When set, every request must carry `Authorization: Bearer <authToken>` (else 401). RFC 6750 token characters only. */
  authToken?: string;
  /** Do not log the listening line and unexpected errors. */
  quiet?: boolean;
  /** Largest accepted request body; the request that crosses it gets 413 and its connection is closed. Default 256 KiB. */
  maxBodyBytes?: number;
  /** A session with no open request and no message for this long is closed. Default 10 minutes. */
  sessionIdleTimeoutMs?: number;
  /** Extra hostnames accepted in `Host`/`Origin` besides loopback names and the bound address. */
  allowedHosts?: string[];
  /** Sessions (SSE and Streamable HTTP together) at once; past it a new session gets 503. Default 1000. */
  maxSessions?: number;
  /** Sessions at once from one remote address; past it a new session gets 429. Default 100. */
  maxSessionsPerClient?: number;
  /** Output a session's client has not read yet; past it the session is closed. Default 4 MiB. */
  maxUnsentBytes?: number;
  /** Interval of the keep-alive comment on SSE streams (legacy SSE and the Streamable HTTP GET stream). Default 15 s. */
  keepAliveIntervalMs?: number;
  /** Time a client has to send a request's headers; then 408 and the connection is closed. Default 10 s. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request (headers and body); open streams are not affected. Default 30 s. */
  requestTimeoutMs?: number;
  /** Open TCP connections at once; further ones are closed on accept. Default 2000. */
  maxConnections?: number;
}

/** Defaults for every limit; `run.ts` uses the same numbers for the environment variables. */
export const HOST_DEFAULTS = {
  host: "127.0.0.1",
  maxBodyBytes: 256 * 1024,
  sessionIdleTimeoutMs: 10 * 60 * 1000,
  maxSessions: 1000,
  maxSessionsPerClient: 100,
  maxUnsentBytes: 4 * 1024 * 1024,
  keepAliveIntervalMs: 15_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 2000,
} as const;

/**
 * RFC 6750's `b64token`, the only characters a bearer token may have. Anything else (a space, a quote,
 * a non-ASCII letter) cannot travel in an `Authorization` header intact, so such a token can never match.
 */
export const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** What RFC 6750 allows, in words, for error messages. */
export const BEARER_TOKEN_RULE = "letters, digits and - . _ ~ + / (then optional = padding), no spaces (RFC 6750 b64token)";

/** Every option resolved: defaults applied, values checked. */
export interface HostConfig extends Required<Omit<StartOptions, "authToken" | "allowedHosts">> {
  authToken: string | undefined;
  allowedHosts: readonly string[];
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

const POSITIVE_INTEGERS = [
  ["maxBodyBytes", "MCP_MAX_BODY_BYTES"],
  ["sessionIdleTimeoutMs", "MCP_SESSION_IDLE_TIMEOUT_MS"],
  ["maxSessions", "MCP_MAX_SESSIONS"],
  ["maxSessionsPerClient", "MCP_MAX_SESSIONS_PER_CLIENT"],
  ["maxUnsentBytes", "MCP_MAX_UNSENT_BYTES"],
  ["keepAliveIntervalMs", "MCP_SSE_KEEPALIVE_MS"],
  ["headersTimeoutMs", "MCP_HEADERS_TIMEOUT_MS"],
  ["requestTimeoutMs", "MCP_REQUEST_TIMEOUT_MS"],
  ["maxConnections", "MCP_MAX_CONNECTIONS"],
] as const;

/**
 * Applies defaults and checks what `startHttpHost` was given in code (the environment went through
 * the same checks in `run.ts` already). Messages name the environment variable too.
 * @throws HostStartError for a bad token, a non-loopback bind without one, or a limit that is not a positive integer.
 */
export function resolveHostConfig(serverName: string, defaultPort: number, options: StartOptions): HostConfig {
  const fail = (message: string) => new HostStartError(`${serverName}: ${message}`, serverName);
  const config: HostConfig = {
    host: (options.host ?? HOST_DEFAULTS.host).replace(/^\[(.*)\]$/, "$1"),
    port: options.port ?? defaultPort,
    stateless: options.stateless ?? false,
    authToken: options.authToken,
    quiet: options.quiet ?? false,
    allowedHosts: options.allowedHosts ?? [],
    maxBodyBytes: options.maxBodyBytes ?? HOST_DEFAULTS.maxBodyBytes,
    sessionIdleTimeoutMs: options.sessionIdleTimeoutMs ?? HOST_DEFAULTS.sessionIdleTimeoutMs,
    maxSessions: options.maxSessions ?? HOST_DEFAULTS.maxSessions,
    maxSessionsPerClient: options.maxSessionsPerClient ?? HOST_DEFAULTS.maxSessionsPerClient,
    maxUnsentBytes: options.maxUnsentBytes ?? HOST_DEFAULTS.maxUnsentBytes,
    keepAliveIntervalMs: options.keepAliveIntervalMs ?? HOST_DEFAULTS.keepAliveIntervalMs,
    headersTimeoutMs: options.headersTimeoutMs ?? HOST_DEFAULTS.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? HOST_DEFAULTS.requestTimeoutMs,
    maxConnections: options.maxConnections ?? HOST_DEFAULTS.maxConnections,
  };

  if (config.authToken !== undefined && config.authToken.length === 0) throw fail("the auth token (MCP_AUTH_TOKEN) must not be empty");
  if (config.authToken !== undefined && !BEARER_TOKEN.test(config.authToken)) {
    throw fail(`the auth token (MCP_AUTH_TOKEN) may only contain ${BEARER_TOKEN_RULE}; no client could ever send it`);
  }
  if (!isLoopback(config.host) && config.authToken === undefined) {
    throw fail(`refusing to bind non-loopback address ${config.host} without a bearer token; set MCP_AUTH_TOKEN (or bind 127.0.0.1)`);
  }
  for (const [key, variable] of POSITIVE_INTEGERS) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value < 1) throw fail(`${key} (${variable}) must be a positive integer, got ${value}`);
  }
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw fail(
      `headersTimeoutMs (MCP_HEADERS_TIMEOUT_MS, ${config.headersTimeoutMs}) must not exceed requestTimeoutMs (MCP_REQUEST_TIMEOUT_MS, ${config.requestTimeoutMs})`,
    );
  }
  return config;
}
