/**
 * Public face of the MCP servers. Everything else under servers/ is internal; clients meet these
 * servers only over the wire. Cheap to import: the servers' stack (express, the SDK server) loads
 * only when a server is created or started.
 */
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RunningServer, StartOptions } from "./shared/http-host.js";

export { SERVER_DEFAULTS, type LocalServerKey } from "./defaults.js";
export type { RunningServer, SessionCounts, StartOptions } from "./shared/http-host.js";

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
