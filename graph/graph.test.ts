import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient, type ServersConfig } from "../adapters/index.js";
import { startMathServer, startWeatherServer, type RunningServer } from "../servers/index.js";
import { startOpenAIStub, type OpenAIStub, type ScriptedReply } from "../test/support/model-stubs/openai.js";
import { createChatModel } from "../app/index.js";
import { OfflineRouterModel } from "../offline/index.js";
import { createGraph, type GraphState } from "./index.js";

let math: RunningServer;
let weather: RunningServer;
let servers: ServersConfig;
let client: MultiServerClient;

beforeAll(async () => {
  [math, weather] = await Promise.all([startMathServer({ port: 0, quiet: true }), startWeatherServer({ port: 0, quiet: true })]);
  servers = { math: { url: `${math.url}/mcp` }, weather: { url: `${weather.url}/mcp` } };
  client = new MultiServerClient(servers);
  await client.connect();
});

afterAll(async () => {
  await client?.close();
  await Promise.allSettled([math?.close(), weather?.close()]);
});

const callsOf = (state: GraphState) => state.calls.map(({ server, tool, args, result, isError }) => ({ server, tool, args, result, isError }));

describe("the compiled graph with the offline model", () => {
  it("answers the article's question with multiply(5, 24)", async () => {
    const graph = createGraph({ client, model: new OfflineRouterModel() });
    const nodes: string[] = [];
    let final: GraphState | undefined;
    for await (const [mode, chunk] of await graph.stream(
      { question: "How many hours do 5 days have?" },
      { streamMode: ["updates", "values"] },
    )) {
      if (mode === "updates") nodes.push(...Object.keys(chunk));
      else final = chunk as GraphState;
    }
    // multiply is read-only, so the route approves it itself and the graph skips `approve`.
    expect(nodes).toEqual(["discover", "route", "callTool", "route", "respond"]);
    expect(final!.approvals).toEqual([{ server: "math", tool: "multiply", args: { a: 5, b: 24 }, decision: "auto" }]);
    expect(callsOf(final!)).toEqual([{ server: "math", tool: "multiply", args: { a: 5, b: 24 }, result: "120", isError: false }]);
    expect(final!.answer).toContain("120");
    expect(final!.decision?.reason).toBeTruthy();
  });

  it("plans a multi-step question as one call per step", async () => {
    const graph = createGraph({ client, model: new OfflineRouterModel() });
    const state = await graph.invoke({ question: "What is (3 + 4) times 5?" });
    expect(state.calls.map((call) => [call.tool, call.args, call.result])).toEqual([
      ["add", { a: 3, b: 4 }, "7"],
      ["multiply", { a: 7, b: 5 }, "35"],
    ]);
    expect(state.answer).toContain("35");
  });

  it("connects a client that was handed in unconnected", async () => {
    const fresh = new MultiServerClient(servers);
    try {
      const state = await createGraph({ client: fresh, model: new OfflineRouterModel() }).invoke({ question: "add 2 and 3" });
      expect(state.catalog.unavailable).toEqual({});
      expect(state.calls[0]?.result).toBe("5");
    } finally {
      await fresh.close();
    }
  });

  it("rejects an empty question with a clear error", async () => {
    const graph = createGraph({ client, model: new OfflineRouterModel() });
    await expect(graph.invoke({ question: "   " })).rejects.toThrow(/needs a user message/);
  });

  it("names the server that is down when the question needed it", async () => {
    const down = new MultiServerClient({ math: servers.math!, weather: { url: "http://127.0.0.1:9/mcp" } });
    try {
      await down.connect();
      const graph = createGraph({ client: down, model: new OfflineRouterModel() });
      const state = await graph.invoke({ question: "What's the weather in Paris?" });
      expect(state.calls).toEqual([]);
      expect(Object.keys(state.catalog.unavailable)).toEqual(["weather"]);
      expect(state.answer).toMatch(/weather/);
      expect(state.answer).toMatch(/unavailable/);
      const sum = await graph.invoke({ question: "add 2 and 3" });
      expect(sum.calls[0]?.result).toBe("5");
    } finally {
      await down.close();
    }
  });
});

describe("the compiled graph with a scripted OpenAI-compatible model", () => {
  const stubs: OpenAIStub[] = [];
  afterAll(async () => {
    await Promise.all(stubs.map((stub) => stub.close()));
  });

  async function run(script: ScriptedReply[], question: string, options: { maxSteps?: number } = {}) {
    const stub = await startOpenAIStub(script);
    stubs.push(stub);
    const graph = createGraph({
      client,
      model: await createChatModel("openai:gpt-4o", { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: stub.url }),
      ...options,
    });
    const state = await graph.invoke({ question });
    return { state, requests: stub.requests };
  }

  const call = (tool: string, args: Record<string, unknown>) => ({ reason: `call ${tool}`, decision: { action: "call_tool", tool, args } });
  const answer = (text: string) => ({ reason: "done", decision: { action: "answer", answer: text } });

  it("sends a strict JSON schema and the tool results on the wire", async () => {
    const { state, requests } = await run(
      [call("math__multiply", { a: 5, b: 24 }), answer("5 days have 120 hours.")],
      "How many hours do 5 days have?",
    );
    expect(state.answer).toBe("5 days have 120 hours.");
    expect(callsOf(state)).toEqual([{ server: "math", tool: "multiply", args: { a: 5, b: 24 }, result: "120", isError: false }]);
    expect(state.usage.totalTokens).toBe(240);

    const format = requests[0]!.response_format!;
    expect(format.type).toBe("json_schema");
    expect(format.json_schema?.strict).toBe(true);
    expect(strictViolations(format.json_schema!.schema)).toEqual([]);
    const tools = JSON.stringify(format.json_schema!.schema);
    for (const name of ["math__add", "math__multiply", "weather__get_weather"]) expect(tools).toContain(name);

    const second = requests[1]!.messages;
    expect(second.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(second[3]).toMatchObject({ role: "tool", content: "120" });
  });

  it("feeds an invalid route back to the model and retries", async () => {
    const { state, requests } = await run(
      [call("math__divide", { a: 1, b: 2 }), call("math__add", { a: "two", b: 3 }), call("math__add", { a: 2, b: 3 }), answer("It is 5.")],
      "add two and three",
    );
    expect(state.calls.map((c) => [c.tool, c.args])).toEqual([["add", { a: 2, b: 3 }]]);
    expect(state.answer).toBe("It is 5.");
    expect(state.errors).toHaveLength(2);
    const feedback = requests[1]!.messages.at(-1)!;
    expect(feedback.role).toBe("user");
    expect(String(feedback.content)).toMatch(/invalid.*math__divide/s);
    expect(String(requests[2]!.messages.at(-1)!.content)).toMatch(/invalid/);
  });

  it("gives up with a clear answer after the retries are spent", async () => {
    const bad = call("files__delete", { path: "/" });
    const { state, requests } = await run([bad, bad, bad, bad], "delete everything");
    expect(requests).toHaveLength(3);
    expect(state.calls).toEqual([]);
    expect(state.answer).toMatch(/could not work out a valid tool call after 3 attempts/);
  });

  it("records a tool error and lets the model explain it", async () => {
    const { state, requests } = await run(
      [call("weather__get_weather", { city: "Par\u0000is" }), answer("The weather server refused the city name.")],
      "weather in Par\u0000is",
    );
    expect(state.calls).toHaveLength(1);
    expect(state.calls[0]!.isError).toBe(true);
    expect(state.calls[0]!.result).toMatch(/control characters/);
    expect(state.errors.at(-1)).toMatch(/^weather\.get_weather: /);
    expect(requests[1]!.messages.at(-1)).toMatchObject({ role: "tool" });
    expect(state.answer).toMatch(/refused/);
  });

  it("answers directly without calling a tool", async () => {
    const { state } = await run([answer("Paris is the capital of France.")], "What is the capital of France?");
    expect(state.calls).toEqual([]);
    expect(state.answer).toBe("Paris is the capital of France.");
  });

  it("asks for a missing argument", async () => {
    const { state } = await run([{ reason: "b is missing", decision: { action: "ask", question: "What should I add to 5?" } }], "add 5");
    expect(state.calls).toEqual([]);
    expect(state.answer).toBe("What should I add to 5?");
  });

  it("stops at maxSteps", async () => {
    const { state } = await run(Array.from({ length: 10 }, () => call("math__add", { a: 1, b: 1 })), "loop", { maxSteps: 2 });
    expect(state.calls).toHaveLength(2);
    expect(state.answer).toMatch(/stopped after 2 tool calls/);
  });

  it("turns a provider failure into an answer instead of a crash", async () => {
    const { state } = await run([], "How many hours do 5 days have?");
    expect(state.calls).toEqual([]);
    expect(state.answer).toMatch(/could not route/);
  });
});

/** OpenAI strict mode: every object closes its properties and requires all of them. */
function strictViolations(schema: unknown, path = "$"): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => strictViolations(item, `${path}[${i}]`));
  if (!schema || typeof schema !== "object") return [];
  const node = schema as Record<string, unknown>;
  const problems: string[] = [];
  if (node.type === "object" || node.properties) {
    if (node.additionalProperties !== false) problems.push(`${path}: additionalProperties is not false`);
    const keys = Object.keys((node.properties as object) ?? {}).sort();
    const required = [...((node.required as string[]) ?? [])].sort();
    if (JSON.stringify(keys) !== JSON.stringify(required)) problems.push(`${path}: not every property is required`);
  }
  for (const keyword of ["$schema", "default", "oneOf", "allOf", "not", "if", "then", "else"]) {
    if (keyword in node) problems.push(`${path}: uses ${keyword}`);
  }
  for (const [key, value] of Object.entries(node)) problems.push(...strictViolations(value, `${path}.${key}`));
  return problems;
}
