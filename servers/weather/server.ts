import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { toolServerHosting } from "../shared/tool.js";
import { SERVER_DEFAULTS } from "../defaults.js";
import { weatherTools } from "./tools.js";

/** How the HTTP host serves WeatherServer (`get_weather`). */
export const weatherHosting = toolServerHosting({
  name: SERVER_DEFAULTS.weather.serverName,
  instructions: "Simulated weather by city name. Reports are generated, not real observations.",
  tools: weatherTools,
  defaultPort: SERVER_DEFAULTS.weather.port,
});

/** A fresh low-level `Server` offering `get_weather`; create one per session. */
export function createWeatherServer(): Server {
  return weatherHosting.createServer();
}
