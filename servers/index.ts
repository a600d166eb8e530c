/**
 * Public face of the MCP servers. Everything else under servers/ is internal; clients meet these
 * servers only over the wire.
 */
import { mathHosting } from "./math/server.js";
import { startHttpHost, type RunningServer, type StartOptions } from "./shared/http-host.js";
import { weatherHosting } from "./weather/server.js";

export { createMathServer } from "./math/server.js";
export { createWeatherServer } from "./weather/server.js";
export { HostStartError } from "./shared/http-host.js";
export type { RunningServer, SessionCounts, StartOptions } from "./shared/http-host.js";

/**
 * Starts MathServer (`add`, `multiply`) on HTTP: Streamable HTTP at `/mcp`, legacy SSE at `/sse`.
 * Defaults: 127.0.0.1:58000, stateful sessions.
 * @throws HostStartError when the port is taken or a non-loopback host has no auth token.
 */
export function startMathServer(options?: StartOptions): Promise<RunningServer> {
  return startHttpHost(mathHosting, options);
}

/**
 * Starts WeatherServer (`get_weather`) on HTTP: Streamable HTTP at `/mcp`, legacy SSE at `/sse`.
 * Defaults: 127.0.0.1:58001, stateful sessions.
 * @throws HostStartError when the port is taken or a non-loopback host has no auth token.
 */
export function startWeatherServer(options?: StartOptions): Promise<RunningServer> {
  return startHttpHost(weatherHosting, options);
}
