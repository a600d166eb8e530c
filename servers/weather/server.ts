import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { toolServerHosting } from "../shared/tool.js";
import { weatherTools } from "./tools.js";

/** How the HTTP host serves WeatherServer (`get_weather`); its well-known port is 58001. */
export const weatherHosting = toolServerHosting({
  name: "WeatherServer",
  instructions: "Simulated weather by city name. Reports are generated, not real observations.",
  tools: weatherTools,
  defaultPort: 58001,
});

/** A fresh low-level `Server` offering `get_weather`; create one per session. */
export function createWeatherServer(): Server {
  return weatherHosting.createServer();
}
