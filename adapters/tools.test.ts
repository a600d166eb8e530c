import { AIMessage, ToolMessage } from "@langchain/core/messages";
import { DynamicStructuredTool } from "@langchain/core/tools";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient, modelContent, resultText } from "./index.js";
import { startFixtureHost, type FixtureHost } from "../test/support/fixture-servers/http-host.js";
import { sleep, text, type FixtureTool } from "../test/support/fixture-servers/mcp-server.js";

const TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const weatherSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object" as const,
  properties: { city: { type: "string", minLength: 1, description: "City name" }, days: { type: "integer", minimum: 1, maximum: 7 } },
  required: ["city"],
  additionalProperties: false,
};

const tools: FixtureTool[] = [
  {
    name: "get_weather",
    description: "Weather for a city",
    inputSchema: weatherSchema,
    annotations: { readOnlyHint: true },
    run: (args) =>
      args.city === "Atlantis"
        ? text("unknown city: Atlantis", { isError: true })
        : text(`sunny in ${String(args.city)}`, { structuredContent: { city: args.city, condition: "sunny", celsius: 21 } }),
  },
  { name: "snapshot", run: () => ({ content: [{ type: "image", data: TINY_PNG, mimeType: "image/png" }] }) },
  { name: "report", run: () => ({ content: [{ type: "text", text: "line one" }, { type: "image", data: TINY_PNG, mimeType: "image/png" }, { type: "text", text: "line two" }] }) },
  {
    name: "nap",
    run: async (_args, signal) => {
      await sleep(5_000, signal);
      return text("awake");
    },
  },
];

let server: FixtureHost;
let client: MultiServerClient;

beforeAll(async () => {
  server = await startFixtureHost(tools);
  client = new MultiServerClient({ weather: { url: `${server.url}/mcp` } });
  await client.connect();
});

afterAll(async () => {
  await client.close();
  await server.close();
});

function bridged(name: string) {
  const found = client.getTools().find((tool) => tool.name === name);
  if (!found) throw new Error(`no bridged tool ${name}`);
  return found;
}

describe("bridged LangChain tools", () => {
  it("carry the server's name, description and JSON Schema unchanged", () => {
    const tool = bridged("weather__get_weather");
    expect(tool.description).toBe("Weather for a city");
    expect(tool.schema).toEqual(weatherSchema);
    if (!(tool instanceof DynamicStructuredTool)) throw new Error("expected a DynamicStructuredTool");
    expect(tool.metadata).toMatchObject({ server: "weather", tool: "get_weather", annotations: { readOnlyHint: true } });
    expect(client.getTools().map((entry) => entry.name)).toEqual(["weather__get_weather", "weather__snapshot", "weather__report", "weather__nap"]);
  });

  it("answer a tool call with the text for the model and the whole result as artifact", async () => {
    const message = await bridged("weather__get_weather").invoke({ id: "call_1", name: "weather__get_weather", args: { city: "Berlin" }, type: "tool_call" });
    expect(message).toBeInstanceOf(ToolMessage);
    expect(message).toMatchObject({ content: "sunny in Berlin", tool_call_id: "call_1", name: "weather__get_weather" });
    expect((message as ToolMessage).artifact).toEqual({
      content: [{ type: "text", text: "sunny in Berlin" }],
      structuredContent: { city: "Berlin", condition: "sunny", celsius: 21 },
    });
  });

  it("never send arguments that do not match the schema", async () => {
    const before = server.state.calls.length;
    await expect(bridged("weather__get_weather").invoke({ city: "Berlin", days: 9 })).rejects.toThrow(/did not match expected schema/);
    await expect(bridged("weather__get_weather").invoke({ town: "Berlin" })).rejects.toThrow(/did not match expected schema/);
    // The adapter's own check stands behind LangChain's: callTool refuses too.
    await expect(client.callTool("weather", "get_weather", { city: "" })).rejects.toMatchObject({ name: "InvalidToolArgumentsError" });
    expect(server.state.calls.length).toBe(before);
  });

  it("turn an isError result into a tool error with the server's message", async () => {
    await expect(bridged("weather__get_weather").invoke({ city: "Atlantis" })).rejects.toMatchObject({
      name: "ToolExecutionError",
      message: "unknown city: Atlantis",
      serverName: "weather",
      toolName: "get_weather",
    });
    const node = new ToolNode(client.getTools());
    const { messages } = (await node.invoke({
      messages: [new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "weather__get_weather", args: { city: "Atlantis" }, type: "tool_call" }] })],
    })) as { messages: ToolMessage[] };
    expect(messages[0]).toMatchObject({ status: "error", tool_call_id: "c1" });
    expect(String(messages[0]?.content)).toContain("unknown city: Atlantis");
  });

  it("keep non-text content in the artifact and tell the model what it was, in place", async () => {
    const image = (await bridged("weather__snapshot").invoke({ id: "c2", name: "weather__snapshot", args: {}, type: "tool_call" })) as ToolMessage;
    expect(image.content).toBe("(1 image, image/png, 70 bytes, kept in the artifact)");
    expect(image.artifact).toEqual({ content: [{ type: "image", data: TINY_PNG, mimeType: "image/png" }] });

    const mixed = (await bridged("weather__report").invoke({ id: "c3", name: "weather__report", args: {}, type: "tool_call" })) as ToolMessage;
    expect(mixed.content).toBe("line one\n(1 image, image/png, 70 bytes, kept in the artifact)\nline two");
    expect((mixed.artifact as { content: unknown[] }).content).toHaveLength(3);
  });

  it("give a multimodal model the image itself, between the texts", async () => {
    const tool = client.getTools({ multimodal: true }).find((entry) => entry.name === "weather__report")!;
    const mixed = (await tool.invoke({ id: "c4", name: "weather__report", args: {}, type: "tool_call" })) as ToolMessage;
    expect(mixed.content).toEqual([
      { type: "text", text: "line one" },
      { type: "image", mimeType: "image/png", data: TINY_PNG },
      { type: "text", text: "line two" },
    ]);
  });

  it("honour RunnableConfig timeout and signal", async () => {
    await expect(bridged("weather__nap").invoke({}, { timeout: 150 })).rejects.toMatchObject({ name: "ToolTimeoutError", timeoutMs: 150 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 100);
    await expect(bridged("weather__nap").invoke({}, { signal: controller.signal })).rejects.toMatchObject({ name: "ToolCallAbortedError" });
  });
});

describe("resultText and modelContent", () => {
  it("join text blocks; modelContent falls back to structured content", () => {
    expect(resultText({ content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] })).toBe("a\nb");
    expect(resultText({ content: [] })).toBe("");
    expect(modelContent({ content: [], structuredContent: { celsius: 21 } })).toBe('{"celsius":21}');
    expect(modelContent({ content: [] })).toBe("(the tool returned no content)");
  });
});
