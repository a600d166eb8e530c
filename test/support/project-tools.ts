/**
 * Our servers' tools exactly as their `tools/list` describes them, read from the real server
 * factories over an in-memory transport, so fixtures cannot drift from the servers.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { ToolInfo } from "../../adapters/index.js";
import { createMathServer, createWeatherServer } from "../../servers/index.js";

async function listed(serverName: string, server: Server): Promise<ToolInfo[]> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "project-tools", version: "0.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  try {
    const { tools } = await client.listTools();
    return tools.map((tool) => ({
      server: serverName,
      name: tool.name,
      bridgedName: `${serverName}__${tool.name}`,
      description: tool.description ?? "",
      inputSchema: tool.inputSchema,
      ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
    }));
  } finally {
    await client.close();
    await server.close();
  }
}

/** math's `add` and `multiply`, then weather's `get_weather`, as the graph's catalog holds them. */
export async function projectTools(): Promise<ToolInfo[]> {
  const [math, weather] = await Promise.all([listed("math", await createMathServer()), listed("weather", await createWeatherServer())]);
  return [...math, ...weather];
}
