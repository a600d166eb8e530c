import type { ServersConfig } from "../adapters/index.js";
import { SERVER_DEFAULTS, startMathServer, startWeatherServer, type LocalServerKey, type RunningServer, type StartOptions } from "../servers/index.js";
import type { Settings } from "./settings.js";

/** Our two servers by their configuration names, and how to start each in this process. */
const LOCAL_SERVERS: Record<LocalServerKey, { serverName: string; portVariable: string; start(options: StartOptions): Promise<RunningServer> }> = {
  math: { ...SERVER_DEFAULTS.math, start: startMathServer },
  weather: { ...SERVER_DEFAULTS.weather, start: startWeatherServer },
};

/**
 * This application's servers: MathServer and WeatherServer over Streamable HTTP at the configured
 * host and ports, with the bearer token when one is set.
 */
export function defaultServers(settings: Settings["servers"]): ServersConfig {
  // A bare IPv6 address needs brackets inside a URL.
  const authority = settings.host.includes(":") && !settings.host.startsWith("[") ? `[${settings.host}]` : settings.host;
  const headers = settings.authToken ? { headers: { Authorization: `Bearer ${settings.authToken}` } } : {};
  return Object.fromEntries(
    (Object.keys(LOCAL_SERVERS) as LocalServerKey[]).map((key) => [key, { url: `http://${authority}:${settings.ports[key]}/mcp`, ...headers }]),
  );
}

/** One of our servers as this process found or started it. */
export interface LocalServer {
  /** Configuration name: `math` or `weather`. */
  name: string;
  /** MCP server name: `MathServer` or `WeatherServer`. */
  serverName: string;
  /** The endpoint clients connect to. */
  url: string;
  port: number;
  /** The environment variable that moves it, e.g. `MATH_SERVER_PORT`. */
  portVariable: string;
  /** True when it already answered at its endpoint; false when this process started it. */
  reused: boolean;
}

export interface LocalServers {
  /** The configuration to connect with: the given one, with the URLs of servers started here. */
  config: ServersConfig;
  /** Every one of our servers in the configuration, found running or started here. */
  servers: LocalServer[];
  /** Stops what this process started; servers found running keep running. */
  stop(): Promise<void>;
}

/** An endpoint of ours refused us (401/403): the token is wrong or missing; starting other servers would hide that. */
export class ServerAuthError extends Error {
  constructor(
    readonly server: string,
    readonly status: number,
  ) {
    super(
      `${server} answered HTTP ${status} at its configured endpoint: ` +
        (status === 401 ? "set MCP_AUTH_TOKEN to the token the server was started with" : "the token is not allowed there"),
    );
    this.name = "ServerAuthError";
  }
}

/** A configured port is held by something that is not the expected MCP server. */
export class ServerPortInUseError extends Error {
  constructor(
    readonly serverName: string,
    readonly port: number,
    readonly envVariable: string,
  ) {
    super(`port ${port} is in use by something that is not ${serverName}; set ${envVariable} to another port (0 picks a free one)`);
    this.name = "ServerPortInUseError";
  }
}

export interface EnsureOptions {
  /**
   * Where a missing server is started: on a free port (`"free"`, the CLI's choice: nothing else needs
   * to find it) or on its configured port (`"configured"`, Studio's, so other processes meet it there).
   */
  port?: "free" | "configured";
  probeTimeoutMs?: number;
  /** Passed to servers started here. */
  authToken?: string;
}

/**
 * Uses our servers where they already answer at the configured endpoints and starts the missing ones
 * in this process. Entries other than ours, and endpoints that are not on this machine, are left as
 * they are.
 * @throws {ServerAuthError} when one of our endpoints answers 401/403.
 * @throws {ServerPortInUseError} with `port: "configured"`, when something else holds the port.
 */
export async function ensureLocalServers(config: ServersConfig, options: EnsureOptions = {}): Promise<LocalServers> {
  const started: RunningServer[] = [];
  const stop = async () => {
    await Promise.allSettled(started.map((server) => server.close()));
  };
  const resolved: ServersConfig = { ...config };
  try {
    const found = await Promise.all(
      Object.entries(LOCAL_SERVERS).map(async ([name, local]): Promise<LocalServer | undefined> => {
        const entry = config[name];
        if (!entry || !("url" in entry) || !isLoopback(entry.url)) return undefined;
        const endpoint = new URL(entry.url);
        const port = Number(endpoint.port || 80);
        if (port !== 0) {
          const probe = await probeServer(endpoint, local.serverName, entry.headers, options.probeTimeoutMs ?? 500);
          if (probe === "ours") return { name, serverName: local.serverName, url: endpoint.href, port, portVariable: local.portVariable, reused: true };
          if (typeof probe === "number") throw new ServerAuthError(name, probe);
        }
        const onConfigured = options.port === "configured";
        let server: RunningServer;
        try {
          server = await local.start({
            host: endpoint.hostname.replace(/^\[(.*)\]$/, "$1"),
            port: onConfigured ? port : 0,
            quiet: true,
            ...(options.authToken ? { authToken: options.authToken } : {}),
          });
        } catch (error) {
          // The servers wrap the listen error (HostStartError) with the socket error as its cause.
          const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
          if (onConfigured && (cause?.code === "EADDRINUSE" || (error as NodeJS.ErrnoException).code === "EADDRINUSE")) {
            throw new ServerPortInUseError(local.serverName, port, local.portVariable);
          }
          throw error;
        }
        started.push(server);
        const url = new URL(endpoint.pathname, `${server.url}/`).href;
        resolved[name] = { ...entry, url };
        return { name, serverName: local.serverName, url, port: server.port, portVariable: local.portVariable, reused: false };
      }),
    );
    return { config: resolved, servers: found.filter((server) => server !== undefined), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === "localhost" || hostname === "[::1]" || hostname.startsWith("127.");
}

/**
 * What answers at the endpoint's `/healthz`: the expected server (`"ours"`), a refusal of our
 * credentials (its HTTP status), or nothing we know (`"absent"`).
 */
async function probeServer(url: URL, serverName: string, headers: Record<string, string> | undefined, timeoutMs: number): Promise<"ours" | "absent" | number> {
  try {
    const response = await fetch(new URL("/healthz", url), { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (response.status === 401 || response.status === 403) return response.status;
    if (!response.ok) return "absent";
    const body = (await response.json()) as { name?: unknown };
    return body.name === serverName ? "ours" : "absent";
  } catch {
    return "absent";
  }
}
