import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMathServer, type RunningServer } from "../index.js";
import { callTool, connect, textOf, TRANSPORTS, type Connection } from "../../test/support/connections.js";

let server: RunningServer;
beforeAll(async () => {
  server = await startMathServer({ port: 0, quiet: true });
});
afterAll(async () => {
  await server?.close();
});

describe.each(TRANSPORTS)("MathServer over %s", (kind) => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connect(server.url, kind);
  });
  afterAll(async () => {
    await connection?.client.close();
  });

  test("identifies itself and lists add and multiply with derived, described integer schemas", async () => {
    expect(connection.client.getServerVersion()?.name).toBe("MathServer");
    const { tools } = await connection.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["add", "multiply"]);
    for (const tool of tools) {
      expect(tool.description).toMatch(/integer/i);
      expect(tool.annotations?.readOnlyHint).toBe(true);
      expect(tool.inputSchema.required).toEqual(["a", "b"]);
      expect(tool.inputSchema.additionalProperties).toBe(false);
      for (const name of ["a", "b"]) {
        const property = tool.inputSchema.properties?.[name] as { type: string; description?: string; maximum?: number };
        expect(property.type).toBe("integer");
        expect(property.maximum).toBe(Number.MAX_SAFE_INTEGER);
        expect(property.description).toMatch(/integer operand/);
      }
    }
  });

  test.each([
    ["add", 2, 3, "5"],
    ["add", -7, 4, "-3"],
    ["add", Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, "18014398509481982"],
    ["multiply", 5, 24, "120"],
    ["multiply", 2147483648, 2147483648, "4611686018427387904"],
    ["multiply", Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, "-81129638414606663681390495662081"],
  ])("%s(%d, %d) = %s exactly", async (tool, a, b, expected) => {
    const result = await callTool(connection.client, tool, { a, b });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe(expected);
  });

  test.each([
    ["a non-integer", { a: 1.5, b: 2 }, /a must be an integer, got 1\.5/],
    ["a numeric string", { a: "5", b: 2 }, /a must be a JSON number, not the string "5"/],
    ["an integer past 2^53", { a: 9007199254740992, b: 1 }, /a=9007199254740992 is outside the exactly representable range/],
    ["an integer below -(2^53)", { a: 1, b: -9007199254740992 }, /b=-9007199254740992 is outside/],
    ["a missing operand", { a: 1 }, /b: b is required/],
    ["null", { a: null, b: 1 }, /a must be an integer, got null/],
    ["an unexpected argument", { a: 1, b: 2, c: 3 }, /Unrecognized key: "c"/],
  ])("multiply with %s is an isError result naming the problem", async (_case, args, message) => {
    const result = await callTool(connection.client, "multiply", args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Invalid arguments for tool "multiply": /);
    expect(textOf(result)).toMatch(message);
  });

  test("an unknown tool is a JSON-RPC InvalidParams error, not a result", async () => {
    const error = await connection.client.callTool({ name: "divide", arguments: { a: 1, b: 2 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((error as McpError).message).toMatch(/Unknown tool "divide".*add, multiply/);
  });
});
