/**
 * Public face of the MCP servers. Everything else under servers/ is internal; clients meet these
 * servers only over the wire. Cheap to import: the servers' stack (express, the SDK server) loads
 * only when a server is created or started.
 */
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { HostedServer, RunningServer, StartOptions } from "./shared/http-host.js";

export { SERVER_DEFAULTS, type LocalServerKey } from "./defaults.js";
export type { HostedServer, RunningServer, SessionCounts, StartOptions } from "./shared/http-host.js";
/** WeatherServer's simulated report for a city and its wording, for tests and demos that need its answers without a server. */
export { reportText, simulateWeather, type WeatherReport } from "./weather/simulate.js";

/** A fresh low-level `Server` offering `add` and `multiply`; create one per session. */
export async function createMathServer(): Promise<Server> {
  return (await import("./math/server.js")).createMathServer();
}

/** A fresh low-level `Server` offering `get_weather`; create one per session. */
export async function createWeatherServer(): Promise<Server> {
  return (await import("./weather/server.js")).createWeatherServer();
}

/**
 * Starts MathServer (`add`, `multiply`) on HTTP: Streamable HTTP at `/mcp`, legacy SSE at `/sse`.
 * Defaults: 127.0.0.1 on `SERVER_DEFAULTS.math.port`, stateful sessions.
 * @throws HostStartError (checked by `name`) when the port is taken or a non-loopback host has no auth token.
 */
export async function startMathServer(options?: StartOptions): Promise<RunningServer> {
  const [{ startHttpHost }, { mathHosting }] = await Promise.all([import("./shared/http-host.js"), import("./math/server.js")]);
  return startHttpHost(mathHosting, options);
}

/**
 * Starts WeatherServer (`get_weather`) on HTTP: Streamable HTTP at `/mcp`, legacy SSE at `/sse`.
 * Defaults: 127.0.0.1 on `SERVER_DEFAULTS.weather.port`, stateful sessions.
 * @throws HostStartError (checked by `name`) when the port is taken or a non-loopback host has no auth token.
 */
export async function startWeatherServer(options?: StartOptions): Promise<RunningServer> {
  const [{ startHttpHost }, { weatherHosting }] = await Promise.all([import("./shared/http-host.js"), import("./weather/server.js")]);
  return startHttpHost(weatherHosting, options);
}

/**
 * Serves any server on our HTTP host, with its checks and limits and both transports: for a server
 * of your own (or a test's) beside ours.
 * @throws HostStartError (checked by `name`) as {@link startMathServer} does.
 */
export async function startHost(hosted: HostedServer, options?: StartOptions): Promise<RunningServer> {
  const { startHttpHost } = await import("./shared/http-host.js");
  return startHttpHost(hosted, options);
}

/**
 * The host's options as the servers' environment sets them (`MCP_HOST`, `MCP_AUTH_TOKEN`, the limits).
 * @throws ServerEnvError naming every offending variable.
 */
export async function hostOptionsFromEnv(env: Record<string, string | undefined>): Promise<StartOptions> {
  const { parseServerEnv, startOptionsFrom } = await import("./shared/run.js");
  return startOptionsFrom(parseServerEnv(env));
}
