import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { toolServerHosting } from "../shared/tool.js";
import { SERVER_DEFAULTS } from "../defaults.js";
import { mathTools } from "./tools.js";

/** How the HTTP host serves MathServer (`add`, `multiply`). */
export const mathHosting = toolServerHosting({
  name: SERVER_DEFAULTS.math.serverName,
  instructions: "Exact integer arithmetic. Results are decimal integers, exact even beyond 2^53.",
  tools: mathTools,
  defaultPort: SERVER_DEFAULTS.math.port,
});

/** A fresh low-level `Server` offering `add` and `multiply`; create one per session. */
export function createMathServer(): Server {
  return mathHosting.createServer();
}
