/**
 * Each provider's own API, end to end: a routed question through createAppGraph, the real graph and
 * our real MCP servers, the model a local stub of that provider's API that checks each request's
 * shape. `invoke` routes with the provider's structured output; a `messages` stream gets the answer
 * token by token, without the route's structured output.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient } from "../adapters/index.js";
import { buildRouteSchema, withRouteSchema, type GraphState } from "../graph/index.js";
import { startMathServer, startWeatherServer, type RunningServer } from "../servers/index.js";
import { faults, startAnthropicStub, type MessagesRequest } from "../test/support/model-stubs/anthropic.js";
import { startOllamaStub, type OllamaChatRequest } from "../test/support/model-stubs/ollama.js";
import { startOpenAIStub, type ChatRequest } from "../test/support/model-stubs/openai.js";
import type { Scripted } from "../test/support/model-stubs/stub-server.js";
import { createAppGraph, createChatModel, readSettings, type ModelCredentials } from "./index.js";

let math: RunningServer;
let weather: RunningServer;
let client: MultiServerClient;
const stubs: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  [math, weather] = await Promise.all([startMathServer({ port: 0, quiet: true }), startWeatherServer({ port: 0, quiet: true })]);
  client = new MultiServerClient({ math: { url: `${math.url}/mcp` }, weather: { url: `${weather.url}/mcp` } });
  await client.connect();
});
afterAll(async () => {
  await Promise.allSettled(stubs.map((stub) => stub.close()));
  await client?.close();
  await Promise.allSettled([math?.close(), weather?.close()]);
});

const QUESTION = "How many hours do 5 days have?";
const CALL = { reason: "1 day = 24 hours", decision: { action: "call_tool", tool: "math__multiply", args: { a: 5, b: 24 } } };
const ANSWER = { reason: "done", decision: { action: "answer", answer: "5 days have 120 hours." } };
const WRITTEN = "Five days have 120 hours, since one day has 24.";

interface Provider {
  name: string;
  /** The model name as `--model` and `configurable.model` take it. */
  model: string;
  start(script: Array<Scripted<never>>): Promise<{ url: string; requests: unknown[]; close(): Promise<void> }>;
  credentials(url: string): ModelCredentials;
  /** Checks the first route request: the route schema sent the way this provider enforces it. */
  routeShape(request: never): void;
  /** Checks the request after the tool call: the result in the provider's own tool-message form. */
  resultShape(request: never): void;
  /** Checks the answer request: streamed, plain text, no schema and no tools. */
  answerShape(request: never): void;
}

const schemaTools = (schema: unknown) => JSON.stringify(schema);

const PROVIDERS: Provider[] = [
  {
    name: "an OpenAI-compatible server (bare model name, OPENAI_BASE_URL)",
    model: "qwen2.5:7b",
    start: (script) => startOpenAIStub(script as never),
    credentials: (url) => ({ OPENAI_BASE_URL: url }),
    routeShape: (request: ChatRequest) => {
      expect(request.model).toBe("qwen2.5:7b");
      expect(request.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "route", strict: true } });
      expect(schemaTools(request.response_format!.json_schema!.schema)).toContain("math__multiply");
    },
    resultShape: (request: ChatRequest) => {
      expect(request.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool"]);
      expect(request.messages[3]).toMatchObject({ role: "tool", content: "120" });
    },
    answerShape: (request: ChatRequest) => {
      expect(request).toMatchObject({ stream: true });
      expect(request).not.toHaveProperty("response_format");
      expect(request).not.toHaveProperty("tools");
      expect(request.messages.map((message) => message.role)).toEqual(["system", "user"]);
      expect(String(request.messages[0]!.content)).toContain('math.multiply {"a":5,"b":24} → "120"');
    },
  },
  {
    name: "Anthropic's Messages API",
    model: "anthropic:claude-sonnet-4-5",
    start: (script) => startAnthropicStub(script as never),
    credentials: (url) => ({ ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: url }),
    routeShape: (request: MessagesRequest) => {
      expect(request.model).toBe("claude-sonnet-4-5");
      // Structured output as a forced tool call whose input schema is the route schema.
      expect(request.tool_choice).toEqual({ type: "tool", name: "route" });
      expect(request.tools?.map((tool) => tool.name)).toEqual(["route"]);
      expect(request.tools![0]!.input_schema).toMatchObject({ type: "object", required: ["reason", "decision"] });
      expect(schemaTools(request.tools![0]!.input_schema)).toContain("math__multiply");
      expect(String(request.system)).toContain("You route a user's question");
    },
    resultShape: (request: MessagesRequest) => {
      expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(request.messages[1]!.content).toEqual([expect.objectContaining({ type: "tool_use", name: "math__multiply", input: { a: 5, b: 24 } })]);
      expect(request.messages[2]!.content).toEqual([expect.objectContaining({ type: "tool_result", content: "120" })]);
    },
    answerShape: (request: MessagesRequest) => {
      expect(request).toMatchObject({ stream: true });
      expect(request).not.toHaveProperty("tools");
      expect(request).not.toHaveProperty("tool_choice");
      expect(request.messages.map((message) => message.role)).toEqual(["user"]);
      expect(String(request.system)).toContain('math.multiply {"a":5,"b":24} → "120"');
    },
  },
  {
    name: "Ollama's native API",
    model: "ollama:llama3.1:8b",
    start: (script) => startOllamaStub(script as never),
    credentials: (url) => ({ OLLAMA_BASE_URL: url }),
    routeShape: (request: OllamaChatRequest) => {
      expect(request.model).toBe("llama3.1:8b");
      // Structured output as Ollama's `format`: the route schema itself, which constrains decoding.
      expect(request.format).toMatchObject({ type: "object", required: ["reason", "decision"] });
      expect(schemaTools(request.format)).toContain("math__multiply");
      expect(request.tools).toBeUndefined();
      expect(request.options).toMatchObject({ temperature: 0 });
    },
    resultShape: (request: OllamaChatRequest) => {
      expect(request.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool"]);
      expect(request.messages[2]!.tool_calls).toEqual([expect.objectContaining({ function: expect.objectContaining({ name: "math__multiply", arguments: { a: 5, b: 24 } }) })]);
      expect(request.messages[3]).toMatchObject({ role: "tool", content: "120" });
    },
    answerShape: (request: OllamaChatRequest) => {
      expect(request).toMatchObject({ stream: true });
      expect(request.format).toBeUndefined();
      expect(request.messages.map((message) => message.role)).toEqual(["system", "user"]);
      expect(request.messages[0]!.content).toContain('math.multiply {"a":5,"b":24} → "120"');
    },
  },
];

async function graphFor(provider: Provider, script: Array<Scripted<never>>) {
  const stub = await provider.start(script);
  stubs.push(stub);
  // As npm start builds it: the settings from an environment, the model by name.
  const settings = readSettings({ ...provider.credentials(stub.url) });
  const graph = createAppGraph(settings, { client, model: provider.model, checkpointer: new MemorySaver() });
  return { graph, stub };
}

/** A `messages` stream of one turn: the chunks each node sent, and the state at the end. */
async function streamTurn(graph: ReturnType<typeof createAppGraph>, question: string, thread: string) {
  const messages: Array<{ node: string; message: BaseMessage }> = [];
  let state: GraphState | undefined;
  for await (const [mode, chunk] of await graph.stream({ question }, { configurable: { thread_id: thread }, streamMode: ["messages", "values"] })) {
    if (mode === "messages") {
      const [message, metadata] = chunk as [BaseMessage, { langgraph_node: string }];
      messages.push({ node: metadata.langgraph_node, message });
    } else {
      state = chunk as GraphState;
    }
  }
  return { messages, state: state! };
}

const text = (message: BaseMessage) => (typeof message.content === "string" ? message.content : JSON.stringify(message.content));

describe.each(PROVIDERS)("$name", (provider) => {
  it("routes the question with the provider's structured output, calls the tool, and answers", async () => {
    const { graph, stub } = await graphFor(provider, [CALL, ANSWER]);
    const state = await graph.invoke({ question: QUESTION }, { configurable: { thread_id: "invoke" } });
    expect(state.calls.map(({ server, tool, args, result, isError }) => ({ server, tool, args, result, isError }))).toEqual([
      { server: "math", tool: "multiply", args: { a: 5, b: 24 }, result: "120", isError: false },
    ]);
    // Nobody listens for tokens: the route's answer is the answer, and no third request is made.
    expect(state.answer).toBe("5 days have 120 hours.");
    expect(state.modelFailure).toBe("");
    expect(stub.requests).toHaveLength(2);
    provider.routeShape(stub.requests[0] as never);
    provider.resultShape(stub.requests[1] as never);
    expect(state.usage.totalTokens).toBe(240);
  });

  it("streams the answer's tokens to a messages stream, never the route's structured output", async () => {
    const { graph, stub } = await graphFor(provider, [CALL, ANSWER, WRITTEN]);
    const { messages, state } = await streamTurn(graph, QUESTION, "stream");

    const tokens = messages.filter(({ node }) => node === "respond").map(({ message }) => text(message));
    expect(tokens.filter(Boolean).length).toBeGreaterThan(3);
    expect(tokens.join("")).toBe(WRITTEN);
    // The route's replies streamed too (a messages listener makes every call stream), but were not shown.
    expect(messages.some(({ message }) => text(message).includes('"decision"'))).toBe(false);
    expect(messages.filter(({ node }) => node === "route")).toEqual([]);

    expect(state.answer).toBe(WRITTEN);
    expect(text(state.messages.at(-1)!)).toBe(WRITTEN);
    // The answer call's usage counts too (ChatAnthropic adds message_start's 1 output token to the total a stream reports).
    expect(state.usage.totalTokens).toBeGreaterThanOrEqual(360);
    expect(state.usage.totalTokens).toBeLessThanOrEqual(363);
    expect(stub.requests).toHaveLength(3);
    provider.routeShape(stub.requests[0] as never);
    provider.answerShape(stub.requests[2] as never);
  });
});

/** The runs one route call starts, as a callback handler sees them: a chat model's or a chain's, and whether LangGraph keeps it from a messages stream. */
async function routeRuns(model: BaseChatModel) {
  const runs: Array<{ kind: "model" | "chain"; hidden: boolean }> = [];
  const record = (kind: "model" | "chain", tags: string[] | undefined) => runs.push({ kind, hidden: tags?.includes("langsmith:nostream") ?? false });
  const reply = await withRouteSchema(model, buildRouteSchema(client.catalog())).invoke([new HumanMessage(QUESTION)], {
    callbacks: [
      {
        handleChainStart: (_chain, _inputs, _runId, _parentRunId, tags) => void record("chain", tags),
        handleChatModelStart: (_llm, _messages, _runId, _parentRunId, _extra, tags) => void record("model", tags),
      },
    ],
  });
  return { runs, parsed: reply.parsed };
}

describe.each([...PROVIDERS, { name: "the offline model", model: "offline", start: startOpenAIStub, credentials: () => ({}) } as unknown as Provider])("a route call with $name", (provider) => {
  it("is two runs, the model's and its parser's, both kept from the messages stream, and parses the route", async () => {
    const stub = await provider.start([CALL]);
    stubs.push(stub);
    const model = await createChatModel(provider.model, provider.credentials(stub.url));
    const { runs, parsed } = await routeRuns(model);
    expect(runs).toEqual([
      { kind: "model", hidden: true },
      { kind: "chain", hidden: true },
    ]);
    // The offline model words its own reason; the decision is the scripted one's.
    expect(parsed).toMatchObject({ decision: CALL.decision });
  });
});

describe("a run that names its model in configurable.model", () => {
  it("gets that provider's model, though the graph's own default is the offline one", async () => {
    const stub = await startOllamaStub([CALL, ANSWER]);
    stubs.push(stub);
    // As Studio's graph is built: the default model, the run's configuration choosing another.
    const graph = createAppGraph(readSettings({ OLLAMA_BASE_URL: stub.url }), { client, checkpointer: new MemorySaver() });
    const state = await graph.invoke({ question: QUESTION }, { configurable: { thread_id: "configured", model: "ollama:llama3.1:8b" } });
    expect(state.calls.map(({ tool, result }) => [tool, result])).toEqual([["multiply", "120"]]);
    expect(state.answer).toBe("5 days have 120 hours.");
    expect(stub.requests.map((request) => request.model)).toEqual(["llama3.1:8b", "llama3.1:8b"]);
  });

  it("whose package is missing fails the run with the one line naming it", async () => {
    const graph = createAppGraph(readSettings({}), { client, checkpointer: new MemorySaver() });
    await expect(graph.invoke({ question: QUESTION }, { configurable: { thread_id: "missing", model: "groq:llama3" } })).rejects.toThrow(
      'model "groq:llama3" needs the @langchain/groq package: npm install @langchain/groq',
    );
  });
});

describe("the answer call failing", () => {
  it("keeps the route's own answer, says so, and records the model failure", async () => {
    const anthropic = PROVIDERS[1]!;
    const { graph } = await graphFor(anthropic, [CALL, ANSWER, faults.reply(400, "application/json", JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "prompt is too long" } }))]);
    const { messages, state } = await streamTurn(graph, QUESTION, "fails");
    expect(state.answer).toMatch(/^5 days have 120 hours\. \(The model could not write this answer, so it is the routing step's own: .*prompt is too long/);
    expect(state.modelFailure).toMatch(/prompt is too long/);
    expect(state.errors.at(-1)).toMatch(/^respond: /);
    expect(text(state.messages.at(-1)!)).toBe(state.answer);
    // The whole answer still reaches a messages listener, as one message.
    expect(messages.filter(({ node }) => node === "respond").map(({ message }) => text(message))).toEqual([state.answer]);
  });
});

describe("the offline model", () => {
  it("sends its answer to a messages stream as one piece, through the same respond step", async () => {
    const graph = createAppGraph(readSettings({}), { client, model: "offline" });
    const { messages, state } = await streamTurn(graph, QUESTION, "offline");
    const answers = messages.filter(({ node }) => node === "respond").map(({ message }) => text(message));
    expect(answers).toEqual([state.answer]);
    expect(state.answer).toContain("120");
  });
});
