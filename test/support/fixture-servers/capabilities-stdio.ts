// The capability tools (elicitation, progress, logs, roots) over stdio.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { FixtureState, capabilityTools } from "./mcp-server.js";

await new FixtureState(capabilityTools(), { name: "CapabilitiesFixture" }).createServer().connect(new StdioServerTransport());
