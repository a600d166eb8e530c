import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { createToolServer, defineTool, ToolDefinitionError } from "./tool.js";

const EchoInput = z.strictObject({ word: z.string().min(1).describe("A word to echo") });
const EchoOutput = z.object({ word: z.string(), length: z.int() });

const echo = defineTool({
  name: "echo_word",
  description: "Echo a word",
  inputSchema: EchoInput,
  outputSchema: EchoOutput,
  handler: ({ word }) => ({ text: word, structured: { word, length: word.length } }),
});
const fail = defineTool({
  name: "always_fails",
  description: "Throws",
  inputSchema: z.object({}),
  handler: () => {
    throw new Error("disk on fire");
  },
});
const lies = defineTool({
  name: "breaks_contract",
  description: "Returns output violating its schema",
  inputSchema: z.object({}),
  outputSchema: EchoOutput,
  handler: () => ({ text: "oops", structured: { word: "oops", length: 1.5 } }),
});

describe("defineTool", () => {
  test("derives the tools/list entry from the zod schemas", () => {
    expect(echo.listing).toMatchObject({
      name: "echo_word",
      description: "Echo a word",
      inputSchema: z.toJSONSchema(EchoInput, { io: "input" }),
      outputSchema: z.toJSONSchema(EchoOutput, { io: "output" }),
    });
    expect(echo.listing.inputSchema.properties?.word).toMatchObject({ type: "string", description: "A word to echo" });
  });

  test.each(["Echo", "echo__word", "echo-word", "_echo"])("refuses the tool name %j", (name) => {
    expect(() => defineTool({ name, description: "x", inputSchema: EchoInput, handler: () => ({ text: "" }) })).toThrow(
      ToolDefinitionError,
    );
  });

  test("refuses an input field without .describe() text", () => {
    expect(() =>
      defineTool({
        name: "undocumented",
        description: "x",
        inputSchema: z.object({ word: z.string() }),
        handler: () => ({ text: "" }),
      }),
    ).toThrow(/"word" has no \.describe\(\) text/);
  });

  test("validates arguments and returns text plus structured content", async () => {
    expect(await echo.call({ word: "hi" })).toEqual({
      content: [{ type: "text", text: "hi" }],
      structuredContent: { word: "hi", length: 2 },
    });
  });

  test.each([
    [{ word: "" }, /word: Too small/],
    [{ word: 3 }, /word: Invalid input: expected string, received number/],
    [undefined, /word: Invalid input: expected string, received undefined/],
  ])("invalid arguments %j become an isError result", async (args, message) => {
    const result = await echo.call(args);
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: "text", text: expect.stringMatching(message) }]);
  });

  test("a throwing handler becomes an isError result carrying its message", async () => {
    expect(await fail.call({})).toEqual({
      content: [{ type: "text", text: 'Tool "always_fails" failed: disk on fire' }],
      isError: true,
    });
  });

  test("output violating the declared schema becomes an isError result, never bad structured content", async () => {
    const result = await lies.call({});
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(result.content).toEqual([{ type: "text", text: expect.stringMatching(/violates its output schema: length/) }]);
  });
});

describe("createToolServer (in memory)", () => {
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  async function connected(): Promise<Client> {
    const server = createToolServer({ name: "TestServer", version: "0.0.0" }, [echo, fail]);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "test", version: "0.0.0" });
    clients.push(client);
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    return client;
  }

  test("lists every registered tool and dispatches calls by name", async () => {
    const client = await connected();
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["echo_word", "always_fails"]);
    expect(await client.callTool({ name: "echo_word", arguments: { word: "ok" } })).toMatchObject({
      structuredContent: { word: "ok", length: 2 },
    });
    expect(await client.callTool({ name: "always_fails", arguments: {} })).toMatchObject({ isError: true });
  });

  test("an unknown tool is a protocol error (-32602) naming the available tools", async () => {
    const client = await connected();
    await expect(client.callTool({ name: "nope", arguments: {} })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringMatching(/Unknown tool "nope".*echo_word, always_fails/),
    });
  });

  test("refuses duplicate tool names", () => {
    expect(() => createToolServer({ name: "Dup", version: "0" }, [echo, echo])).toThrow(/Duplicate tool name "echo_word"/);
  });
});
