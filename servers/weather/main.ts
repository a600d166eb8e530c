/** Runs WeatherServer alone (`npm run server:weather`); its port comes from WEATHER_SERVER_PORT. */
import { runServers } from "../shared/run.js";
import { weatherHosting } from "./server.js";

await runServers(process.env, (env) => [{ hosting: weatherHosting, port: env.WEATHER_SERVER_PORT }]);
