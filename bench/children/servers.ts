/**
 * Child process hosting our math and weather servers plus the floor server, so the bench can read
 * the servers' CPU time and memory apart from the client's.
 *
 *   argv: [--stateless] [--max-sessions N]   →   ready: { math, weather, floor }   (origins, no trailing slash)
 *
 * `--max-sessions` lifts the session caps (all of them, and one client's share: every bench
 * session comes from loopback) for the memory suite's hundreds of idle sessions.
 */
import { startMathServer, startWeatherServer } from "../../servers/index.js";
import { serveParent } from "../child.js";
import { startFloorServer } from "../floor.js";

export interface ServersReady {
  math: string;
  weather: string;
  floor: string;
}

const stateless = process.argv.includes("--stateless");
const cap = process.argv.indexOf("--max-sessions");
const limits = cap < 0 ? {} : { maxSessions: Number(process.argv[cap + 1]), maxSessionsPerClient: Number(process.argv[cap + 1]) };
const [math, weather, floor] = await Promise.all([
  startMathServer({ host: "127.0.0.1", port: 0, quiet: true, stateless, ...limits }),
  startWeatherServer({ host: "127.0.0.1", port: 0, quiet: true, stateless }),
  startFloorServer(),
]);
serveParent({ math: math.url, weather: weather.url, floor: floor.url } satisfies ServersReady);
