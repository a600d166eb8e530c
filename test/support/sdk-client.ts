import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export type WireTransport = "http" | "sse";

/** The SDK's own client on one of our transports: what any MCP host would use. */
export async function connectClient(baseUrl: string, transport: WireTransport, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "mcp-graph-faults", version: "0.0.0" });
  const requestInit = { headers };
  await client.connect(
    transport === "http"
      ? new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit })
      : new SSEClientTransport(new URL(`${baseUrl}/sse`), { requestInit }),
  );
  return client;
}

/** Joined text blocks of a result. */
export function textOf(result: CallToolResult): string {
  return result.content
    .filter((block): block is { type: "text"; text: string } => block.type === "text")
    .map((block) => block.text)
    .join("\n");
}

/** A normal call that must work: proves a server still serves after whatever came before. */
export async function assertServes(baseUrl: string, transport: WireTransport, kind: "math" | "weather"): Promise<void> {
  const client = await connectClient(baseUrl, transport);
  try {
    const result = (
      kind === "math"
        ? await client.callTool({ name: "multiply", arguments: { a: 6, b: 7 } }, undefined, { timeout: 5_000 })
        : await client.callTool({ name: "get_weather", arguments: { city: "Oslo" } }, undefined, { timeout: 5_000 })
    ) as CallToolResult;
    const text = textOf(result);
    const ok = result.isError !== true && (kind === "math" ? text === "42" : text.includes("Oslo"));
    if (!ok) throw new Error(`${kind} over ${transport} no longer serves normally: ${JSON.stringify(result)}`);
  } finally {
    await client.close();
  }
}
