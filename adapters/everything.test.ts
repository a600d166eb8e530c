import { fileURLToPath } from "node:url";
import type { ToolMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient, resultText, type ServerConfig, type TransportKind } from "./index.js";
import { freePort, startCommand, type ChildHandle } from "../test/support/processes.js";

// The MCP reference server, not written by us, over each transport it offers.
const EVERYTHING = fileURLToPath(new URL("../node_modules/@modelcontextprotocol/server-everything/dist/index.js", import.meta.url));

const children: ChildHandle[] = [];
const clients = new Map<TransportKind, MultiServerClient>();

async function serve(mode: "streamableHttp" | "sse", ready: RegExp): Promise<number> {
  const port = await freePort();
  children.push(await startCommand(process.execPath, [EVERYTHING, mode], ready, { env: { PORT: String(port) }, port }));
  return port;
}

beforeAll(async () => {
  const [httpPort, ssePort] = await Promise.all([serve("streamableHttp", /listening on port/), serve("sse", /running on port/)]);
  const configs: Record<TransportKind, ServerConfig> = {
    http: { url: `http://127.0.0.1:${httpPort}/mcp` },
    // The SSE-only server is configured by its /mcp URL on purpose: the client has to fall back.
    sse: { url: `http://127.0.0.1:${ssePort}/mcp` },
    stdio: { command: process.execPath, args: [EVERYTHING, "stdio"], stderr: "ignore" },
  };
  await Promise.all(
    Object.entries(configs).map(async ([kind, config]) => {
      const client = new MultiServerClient({ everything: config }, { connectTimeoutMs: 15_000 });
      clients.set(kind as TransportKind, client);
      await client.connect();
    }),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([...clients.values()].map((client) => client.close()));
  await Promise.all(children.map((child) => child.kill("SIGTERM")));
});

function clientFor(kind: TransportKind): MultiServerClient {
  const client = clients.get(kind);
  if (!client) throw new Error(`no client for ${kind}`);
  return client;
}

describe.each(["http", "sse", "stdio"] as const)("@modelcontextprotocol/server-everything over %s", (kind) => {
  it("connects and lists its tools", () => {
    const client = clientFor(kind);
    expect(client.status().everything).toMatchObject({ state: "connected", transport: kind, serverInfo: { name: "mcp-servers/everything" } });
    const names = client.catalog().map((tool) => tool.bridgedName);
    expect(names).toEqual(expect.arrayContaining(["everything__echo", "everything__get-sum", "everything__get-tiny-image", "everything__get-structured-content"]));
  });

  it("calls tools and validates their arguments first", async () => {
    const client = clientFor(kind);
    expect(resultText(await client.callTool("everything", "echo", { message: "hi" }))).toBe("Echo: hi");
    expect(resultText(await client.callBridgedTool("everything__get-sum", { a: 2, b: 3 }))).toBe("The sum of 2 and 3 is 5.");
    await expect(client.callTool("everything", "get-sum", { a: "2", b: 3 })).rejects.toMatchObject({ name: "InvalidToolArgumentsError" });
    const structured = await client.callTool("everything", "get-structured-content", { location: "Chicago" });
    expect(structured.structuredContent).toMatchObject({ temperature: 36, conditions: "Light rain / drizzle" });
  });

  it("bridges image results into the artifact, and a note for the model", async () => {
    const tool = clientFor(kind)
      .getTools()
      .find((candidate) => candidate.name === "everything__get-tiny-image");
    const message = (await tool?.invoke({ id: "c1", name: "everything__get-tiny-image", args: {}, type: "tool_call" })) as ToolMessage;
    const artifact = message.artifact as { content: Array<{ type: string; mimeType?: string }> };
    expect(artifact.content.some((block) => block.type === "image" && block.mimeType === "image/png")).toBe(true);
    expect(String(message.content)).toMatch(/^Here's the image you requested:\n\(1 image, image\/png, \d+ KB, kept in the artifact\)\n/);
  });
});
