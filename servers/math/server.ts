import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { toolServerHosting } from "../shared/tool.js";
import { mathTools } from "./tools.js";

/** How the HTTP host serves MathServer (`add`, `multiply`); its well-known port is 58000. */
export const mathHosting = toolServerHosting({
  name: "MathServer",
  instructions: "Exact integer arithmetic. Results are decimal integers, exact even beyond 2^53.",
  tools: mathTools,
  defaultPort: 58000,
});

/** A fresh low-level `Server` offering `add` and `multiply`; create one per session. */
export function createMathServer(): Server {
  return mathHosting.createServer();
}
