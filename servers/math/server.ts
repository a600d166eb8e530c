import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { HostedServer } from "../shared/http-host.js";
import { createToolServer } from "../shared/tool.js";
import { SERVER_VERSION } from "../shared/version.js";
import { mathTools } from "./tools.js";

/** A fresh low-level `Server` offering `add` and `multiply`; create one per session. */
export function createMathServer(): Server {
  return createToolServer(
    { name: "MathServer", version: SERVER_VERSION },
    mathTools,
    "Exact integer arithmetic. Results are decimal integers, exact even beyond 2^53.",
  );
}

/** How the HTTP host serves MathServer; its well-known port is 58000. */
export const mathHosting: HostedServer = {
  name: "MathServer",
  version: SERVER_VERSION,
  toolNames: mathTools.map((tool) => tool.name),
  defaultPort: 58000,
  createServer: createMathServer,
};
