// A stdio MCP server on the SDK's low-level Server that serves whatever tools a JSON file lists
// (MCP_FIXTURE_TOOL_FILE: an array of {name, description, inputSchema, annotations?}). The eval
// swaps the file to serve the next item's tool and the server says `tools/list_changed`, so one
// process serves many items. A call answers with the arguments it got, as text.
import { watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";

const file = process.env.MCP_FIXTURE_TOOL_FILE;
if (!file) throw new Error("MCP_FIXTURE_TOOL_FILE must name a JSON file of tool definitions");

async function readTools(): Promise<Tool[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file!, "utf8"));
    return Array.isArray(parsed) ? (parsed as Tool[]) : [];
  } catch {
    // Missing or half-written: no tools until the next change.
    return [];
  }
}

let tools = await readTools();
const server = new Server({ name: "ToolFixture", version: "1.0.0" }, { capabilities: { tools: { listChanged: true } } });
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, (request) => {
  const tool = tools.find((t) => t.name === request.params.name);
  if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${request.params.name}`);
  return { content: [{ type: "text", text: `${tool.name} called with ${JSON.stringify(request.params.arguments ?? {})}` }] };
});
await server.connect(new StdioServerTransport());

// The directory is watched, not the file: the eval replaces the file by renaming a new one over it.
watch(dirname(file), (_event, name) => {
  if (name !== basename(file)) return;
  void readTools().then((next) => {
    if (JSON.stringify(next) === JSON.stringify(tools)) return;
    tools = next;
    void server.sendToolListChanged().catch(() => undefined);
  });
});
