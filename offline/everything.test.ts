import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolInfo } from "../adapters/index.js";
import { parseRouteOutput, type RouteOutput } from "../graph/index.js";
import { buildRouteSchema } from "../graph/index.js";
import { OfflineRouterModel } from "./model.js";

/**
 * The offline router has never heard of @modelcontextprotocol/server-everything: it must route from
 * the tool definitions that server lists, over a real stdio connection.
 */
describe("routing with server-everything's own tool definitions", () => {
  let client: Client;
  let tools: ToolInfo[];

  beforeAll(async () => {
    client = new Client({ name: "offline-router-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: "node_modules/.bin/mcp-server-everything", args: [], stderr: "ignore" }));
    const listed = await client.listTools();
    tools = listed.tools.map((t) => ({
      server: "everything",
      name: t.name,
      bridgedName: `everything__${t.name}`,
      description: t.description ?? "",
      inputSchema: t.inputSchema,
    }));
  });

  afterAll(async () => {
    // Closing the client ends the stdio child it spawned.
    await client?.close();
  });

  /** Routes, calls the chosen tool on the real server, and routes again until an answer. */
  async function ask(question: string): Promise<{ routes: RouteOutput[]; answer: string }> {
    const router = new OfflineRouterModel().withStructuredOutput(buildRouteSchema(tools), { name: "route" });
    const messages: BaseMessage[] = [new SystemMessage("Route the question."), new HumanMessage(question)];
    const routes: RouteOutput[] = [];
    for (let step = 0; step < 4; step++) {
      const parsed = parseRouteOutput(await router.invoke(messages), tools);
      if (!parsed.ok) throw new Error(parsed.error);
      routes.push(parsed.value);
      const decision = parsed.value.decision;
      if (decision.action !== "call_tool") return { routes, answer: decision.action === "answer" ? decision.answer : decision.question };
      const name = tools.find((t) => t.bridgedName === decision.tool)!.name;
      const result = (await client.callTool({ name, arguments: decision.args })) as CallToolResult;
      const text = result.content.map((block) => (block.type === "text" ? block.text : "")).join("");
      messages.push(
        new AIMessage({ content: "", tool_calls: [{ id: `c${step}`, name: decision.tool, args: decision.args }] }),
        new ToolMessage({ tool_call_id: `c${step}`, name: decision.tool, content: text, status: result.isError ? "error" : "success" }),
      );
    }
    throw new Error("no answer");
  }

  it("echoes with the echo tool", async () => {
    const { routes, answer } = await ask("echo hello world");
    expect(routes[0]!.decision).toEqual({ action: "call_tool", tool: "everything__echo", args: { message: "hello world" } });
    expect(answer).toContain("hello world");
  });

  it("adds with the tool whose description says it sums", async () => {
    const { routes, answer } = await ask("add 2 and 3");
    expect(routes[0]!.decision).toEqual({ action: "call_tool", tool: "everything__get-sum", args: { a: 2, b: 3 } });
    expect(answer).toContain("5");
  });

  it("abstains when none of its tools fits", async () => {
    const { routes } = await ask("Who won the last world cup?");
    expect(routes).toHaveLength(1);
    expect(routes[0]!.decision).toMatchObject({ action: "answer", answer: expect.stringContaining("None of my tools can help") });
  });

  it("does not multiply with a server that cannot", async () => {
    const { routes } = await ask("multiply 3 by 4");
    expect(routes[0]!.decision.action).toBe("answer");
  });
});
