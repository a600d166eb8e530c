import { ToolMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMathServer, startWeatherServer, type RunningServer } from "../servers/index.js";
import { MultiServerClient, type ServersConfig } from "./index.js";

// Our math and weather servers on real HTTP (port 0), bridged once by us and once by
// @langchain/mcp-adapters' MultiServerMCPClient. The adapter code itself never imports servers/.
const running: RunningServer[] = [];
let ours: MultiServerClient;
let theirs: MultiServerMCPClient;
let ourTools: StructuredToolInterface[];
let theirTools: StructuredToolInterface[];

beforeAll(async () => {
  running.push(...(await Promise.all([startMathServer({ port: 0, quiet: true }), startWeatherServer({ port: 0, quiet: true })])));
  const [math, weather] = running.map((server) => `${server.url}/mcp`);
  if (!math || !weather) throw new Error("servers did not start");
  const config: ServersConfig = { math: { url: math }, weather: { url: weather } };
  ours = new MultiServerClient(config);
  await ours.connect();
  ourTools = ours.getTools();
  theirs = new MultiServerMCPClient({
    mcpServers: { math: { url: math, transport: "http" }, weather: { url: weather, transport: "http" } },
    prefixToolNameWithServerName: true,
    onConnectionError: "throw",
  });
  theirTools = await theirs.getTools();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([ours?.close(), theirs?.close()]);
  await Promise.all(running.map((server) => server.close()));
});

function pair(name: string): [StructuredToolInterface, StructuredToolInterface] {
  const mine = ourTools.find((tool) => tool.name === name);
  const other = theirTools.find((tool) => tool.name === name);
  if (!mine || !other) throw new Error(`${name} missing: ours=${Boolean(mine)} theirs=${Boolean(other)}`);
  return [mine, other];
}

/**
 * The text a ToolMessage gives the model, whichever content shape the adapter chose. For a result
 * with structured content, mcp-adapters hands back a text block carrying it, which LangChain then
 * serialises into the message as JSON; we give the model the plain text and keep the structure in the artifact.
 */
function textOf(message: ToolMessage): string {
  const blocks: unknown[] = typeof message.content === "string" ? [parseBlock(message.content)] : message.content;
  return blocks.map((block) => (typeof block === "string" ? block : isTextBlock(block) ? block.text : "")).join("\n");
}

function parseBlock(content: string): unknown {
  if (!content.startsWith("{")) return content;
  const parsed: unknown = JSON.parse(content);
  return isTextBlock(parsed) ? parsed : content;
}

function isTextBlock(value: unknown): value is { type: "text"; text: string } {
  return typeof value === "object" && value !== null && "type" in value && value.type === "text" && "text" in value && typeof value.text === "string";
}

async function invoke(tool: StructuredToolInterface, args: Record<string, unknown>): Promise<ToolMessage> {
  const message: unknown = await tool.invoke({ id: "parity", name: tool.name, args, type: "tool_call" });
  if (!(message instanceof ToolMessage)) throw new Error(`${tool.name} did not answer with a ToolMessage`);
  return message;
}

describe("parity with @langchain/mcp-adapters for our servers", () => {
  it("bridges the same tools under the same names", () => {
    expect(ourTools.map((tool) => tool.name).sort()).toEqual(theirTools.map((tool) => tool.name).sort());
    expect(ourTools.map((tool) => tool.name).sort()).toEqual(["math__add", "math__multiply", "weather__get_weather"]);
    for (const info of ours.catalog()) expect(info.bridgedName).toBe(`${info.server}__${info.name}`);
  });

  it("gives the model the same descriptions and argument schemas", () => {
    for (const tool of ourTools) {
      const [mine, other] = pair(tool.name);
      expect(mine.description).toBe(other.description);
      // They strip `$schema` (and would flatten anyOf/allOf, which our servers do not use); we pass the server's schema on as is.
      const { $schema, ...rest } = mine.schema as Record<string, unknown>;
      expect($schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(rest).toEqual(other.schema);
    }
  });

  it.each([
    ["math__add", { a: 2, b: 40 }],
    ["math__multiply", { a: 2147483648, b: 2147483648 }],
    ["weather__get_weather", { city: "Berlin" }],
  ])("returns the same result for %s", async (name, args) => {
    const [mine, other] = pair(name);
    const [a, b] = await Promise.all([invoke(mine, args), invoke(other, args)]);
    expect(textOf(a)).toBe(textOf(b));
    expect(textOf(a)).not.toBe("");
    const structured = (b.artifact as Array<{ type: string; data?: unknown }>).find((entry) => entry.type === "mcp_structured_content")?.data;
    expect((a.artifact as { structuredContent?: unknown }).structuredContent).toEqual(structured);
  });

  it("reports the server's isError text in both", async () => {
    const args = { city: " " };
    const [mine, other] = pair("weather__get_weather");
    // minLength is not in the schema (zod's trim runs server-side), so the server itself refuses this one.
    const ourError = await mine.invoke(args).catch((error: unknown) => error as Error);
    const theirError = await other.invoke(args).catch((error: unknown) => error as Error);
    expect(ourError).toMatchObject({ name: "ToolExecutionError" });
    expect(ourError.message).toMatch(/city must not be empty/);
    expect(theirError.message).toContain(ourError.message);
  });
});
