import { Validator, type Schema } from "@cfworker/json-schema";
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseRouteOutput, type RouteOutput } from "../graph/index.js";
import { buildRouteSchema } from "../graph/index.js";
import { projectTools } from "../test/support/project-tools.js";

const PROJECT_TOOLS = await projectTools();
import { OfflineRouterModel } from "./model.js";

const schema = buildRouteSchema(PROJECT_TOOLS);
const validator = new Validator(schema as Schema, "2020-12");
const ask = (question: string): BaseMessage[] => [new SystemMessage("Route the question."), new HumanMessage(question)];

describe("withStructuredOutput", () => {
  it("binds the route schema as a tool and returns an AIMessageChunk whose tool call is the route", async () => {
    const router = new OfflineRouterModel().withStructuredOutput(schema, { name: "route", includeRaw: true });
    const { raw, parsed } = await router.invoke(ask("How many hours do 5 days have?"));
    expect(AIMessageChunk.isInstance(raw)).toBe(true);
    expect((raw as AIMessageChunk).tool_calls?.[0]?.name).toBe("route");
    expect(validator.validate(parsed).valid).toBe(true);
    expect(parseRouteOutput(parsed, PROJECT_TOOLS)).toEqual({
      ok: true,
      value: { reason: expect.stringContaining("24"), decision: { action: "call_tool", tool: "math__multiply", args: { a: 5, b: 24 } } },
    });
  });

  it("reads earlier calls and results from the messages and takes the next step", async () => {
    const router = new OfflineRouterModel().withStructuredOutput<RouteOutput>(schema, { name: "route" });
    const messages = ask("What is (3 + 4) times 5?");
    const first = await router.invoke(messages);
    expect(first.decision).toEqual({ action: "call_tool", tool: "math__add", args: { a: 3, b: 4 } });
    messages.push(
      new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "math__add", args: { a: 3, b: 4 } }] }),
      new ToolMessage({ tool_call_id: "c1", name: "math__add", content: "7", status: "success" }),
    );
    expect((await router.invoke(messages)).decision).toEqual({ action: "call_tool", tool: "math__multiply", args: { a: 7, b: 5 } });
    messages.push(
      new AIMessage({ content: "", tool_calls: [{ id: "c2", name: "math__multiply", args: { a: 7, b: 5 } }] }),
      new ToolMessage({ tool_call_id: "c2", name: "math__multiply", content: "35", status: "success" }),
    );
    const last = await router.invoke(messages);
    expect(last.decision).toEqual({ action: "answer", answer: expect.stringContaining("35") });
  });

  it.each(["jsonSchema", "jsonMode"] as const)("answers in JSON text with method %s (strict accepted)", async (method) => {
    const router = new OfflineRouterModel().withStructuredOutput(schema, { name: "route", method, strict: true, includeRaw: true });
    const { raw, parsed } = await router.invoke(ask("What's the weather in São Paulo?"));
    expect(AIMessageChunk.isInstance(raw)).toBe(true);
    expect(typeof raw.content).toBe("string");
    expect(parsed).toEqual(JSON.parse(raw.content as string));
    expect(validator.validate(parsed).valid).toBe(true);
    expect((parsed as { decision: unknown }).decision).toEqual({ action: "call_tool", tool: "weather__get_weather", args: { city: "São Paulo" } });
  });

  it("refuses a schema that is not a route schema, by name", async () => {
    const router = new OfflineRouterModel().withStructuredOutput({ type: "object", properties: { joke: { type: "string" } } }, { method: "jsonSchema" });
    await expect(router.invoke(ask("Tell me a joke"))).rejects.toMatchObject({ name: "OfflineModelError" });
  });
});

describe("bindTools", () => {
  const add = tool(async ({ a, b }: { a: number; b: number }) => String(a + b), {
    name: "add",
    description: "Add two numbers and return the sum.",
    schema: z.object({ a: z.number().describe("first"), b: z.number().describe("second") }),
  });
  const weather = {
    type: "function",
    function: {
      name: "lookup_weather",
      description: "Look up the weather forecast for a city.",
      parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] },
    },
  };

  it("returns an AIMessageChunk with one tool call of a bound tool, like a tool-calling chat model", async () => {
    const model = new OfflineRouterModel().bindTools([add, weather]);
    const reply = await model.invoke([new HumanMessage("add 2 and 3")]);
    expect(AIMessageChunk.isInstance(reply)).toBe(true);
    expect(reply.tool_calls).toEqual([{ name: "add", args: { a: 2, b: 3 }, id: "offline_call_1", type: "tool_call" }]);

    const forecast = await model.invoke([new HumanMessage("Will it rain in Vancouver?")]);
    // Bound tools are not strict: unused optional parameters are left out rather than sent as null.
    expect(forecast.tool_calls?.[0]).toMatchObject({ name: "lookup_weather", args: { city: "Vancouver" } });
  });

  it("answers in text from the tool result, and abstains in text when no bound tool fits", async () => {
    const model = new OfflineRouterModel().bindTools([add]);
    const question = new HumanMessage("What is 20 plus 22?");
    const first = await model.invoke([question]);
    const call = first.tool_calls![0]!;
    const result = await add.invoke(call.args as { a: number; b: number });
    const second = await model.invoke([question, first, new ToolMessage({ tool_call_id: call.id!, name: "add", content: String(result) })]);
    expect(second.tool_calls ?? []).toEqual([]);
    expect(second.content).toContain("42");

    const none = await model.invoke([new HumanMessage("Who wrote Pride and Prejudice?")]);
    expect(none.tool_calls ?? []).toEqual([]);
    expect(none.content).toBe("None of my tools can help with that: I can add numbers.");
  });
});

describe("without tools", () => {
  it("answers in plain text", async () => {
    const reply = await new OfflineRouterModel().invoke([new HumanMessage("What is 2 + 2?")]);
    expect(AIMessageChunk.isInstance(reply)).toBe(true);
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(typeof reply.content).toBe("string");
    expect(reply.content).not.toBe("");
  });
});
