/**
 * A server whose `flood` tool pushes `count` log notifications of `bytes` characters each onto its
 * session's standalone GET stream (Streamable HTTP), as fast as the transport takes them: what a
 * chatty server does to a client that stopped reading. Hosted by the real HTTP host with the limits
 * from the environment (MCP_MAX_UNSENT_BYTES, …). Run as a child: prints `READY <port>`.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { hostOptionsFromEnv, startHost, type HostedServer } from "../../servers/index.js";

function createFloodServer(): Server {
  const server = new Server({ name: "FloodServer", version: "0.0.0" }, { capabilities: { tools: {}, logging: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [{ name: "flood", description: "Sends log notifications on the standalone stream", inputSchema: { type: "object" } }],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { count = 1, bytes = 10 } = (request.params.arguments ?? {}) as { count?: number; bytes?: number };
    const data = "x".repeat(bytes);
    let sent = 0;
    try {
      for (; sent < count; sent++) await server.notification({ method: "notifications/message", params: { level: "info", data } });
    } catch {
      // The session was closed under us: that is what the test is after.
    }
    return { content: [{ type: "text", text: String(sent) }] };
  });
  return server;
}

const hosting: HostedServer = { name: "FloodServer", version: "0.0.0", toolNames: ["flood"], defaultPort: 0, createServer: createFloodServer };
const running = await startHost(hosting, { ...(await hostOptionsFromEnv(process.env)), port: 0 });
console.log(`READY ${running.port}`);
const stop = () => void running.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
