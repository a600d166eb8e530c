import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { HostedServer } from "../shared/http-host.js";
import { createToolServer } from "../shared/tool.js";
import { SERVER_VERSION } from "../shared/version.js";
import { weatherTools } from "./tools.js";

/** A fresh low-level `Server` offering `get_weather`; create one per session. */
export function createWeatherServer(): Server {
  return createToolServer(
    { name: "WeatherServer", version: SERVER_VERSION },
    weatherTools,
    "Simulated weather by city name. Reports are generated, not real observations.",
  );
}

/** How the HTTP host serves WeatherServer; its well-known port is 58001. */
export const weatherHosting: HostedServer = {
  name: "WeatherServer",
  version: SERVER_VERSION,
  toolNames: weatherTools.map((tool) => tool.name),
  defaultPort: 58001,
  createServer: createWeatherServer,
};
