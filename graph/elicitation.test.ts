import { Command, MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient } from "../adapters/index.js";
import { createChatModel } from "../app/index.js";
import { startFixtureHost, type FixtureHost } from "../test/support/fixture-servers/http-host.js";
import { capabilityTools } from "../test/support/fixture-servers/mcp-server.js";
import { startOpenAIStub, type OpenAIStub, type ScriptedReply } from "../test/support/model-stubs/openai.js";
import { createGraph, type GraphState } from "./index.js";

// A server's question during a tool call becomes an interrupt; the call stays open until the answer.
let host: FixtureHost;
let client: MultiServerClient;
const stubs: OpenAIStub[] = [];

beforeAll(async () => {
  host = await startFixtureHost(capabilityTools(), { transports: ["http"] });
  client = new MultiServerClient({ fixture: { url: `${host.url}/mcp` } }, { onElicitation: () => Promise.resolve({ action: "decline" }) });
  await client.connect();
});

afterAll(async () => {
  await client?.close();
  await Promise.all(stubs.map((stub) => stub.close()));
  await host?.close();
});

const call = (tool: string, args: Record<string, unknown>) => ({ reason: `call ${tool}`, decision: { action: "call_tool", tool, args } });
const answer = (text: string) => ({ reason: "done", decision: { action: "answer", answer: text } });

let threads = 0;
async function conversation(script: ScriptedReply[], options: { checkpointer?: MemorySaver | null } = {}) {
  const stub = await startOpenAIStub(script);
  stubs.push(stub);
  const model = await createChatModel("openai:gpt-4o", { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: stub.url });
  const checkpointer = options.checkpointer === null ? undefined : (options.checkpointer ?? new MemorySaver());
  const build = () => createGraph({ client, model, approval: "never", ...(checkpointer ? { checkpointer } : {}) });
  let graph = build();
  const config = { configurable: { thread_id: `elicit-${++threads}` } };
  return {
    ask: (question: string) => graph.invoke({ question }, config) as Promise<GraphState>,
    resume: (resume: unknown) => graph.invoke(new Command({ resume }), config) as Promise<GraphState>,
    pending: async () => (await graph.getState(config)).tasks.flatMap((task) => task.interrupts.map((interrupt) => interrupt.value)),
    /** Another process resuming the thread: same checkpoints, none of this graph's open calls. */
    rebuild: () => {
      graph = build();
    },
  };
}

const askCalls = () => host.state.calls.filter((entry) => entry.tool === "ask").length;

describe("a question from the server during a tool call", () => {
  it("interrupts with the question and its form, and the resume's answer reaches the same call", async () => {
    const chat = await conversation([call("fixture__ask", { question: "Who are you?" }), answer("Hello Ada.")]);
    const before = askCalls();
    await chat.ask("introduce me");
    expect(await chat.pending()).toEqual([
      { type: "elicitation", server: "fixture", tool: "ask", message: "Who are you?", requestedSchema: expect.objectContaining({ required: ["name"] }) },
    ]);
    const state = await chat.resume({ action: "accept", content: { name: "Ada" } });
    expect(JSON.parse(state.calls[0]!.result)).toEqual({ action: "accept", content: { name: "Ada", count: 3, color: "green" } });
    expect(state.answer).toBe("Hello Ada.");
    // Once: the resumed run answered the open call instead of calling the tool again.
    expect(askCalls() - before).toBe(1);
  });

  it("interrupts with the link of a URL-mode question, and the resume's accept reaches the call", async () => {
    const chat = await conversation([call("fixture__open_link", { url: "https://example.com/connect" }), answer("Connected.")]);
    await chat.ask("connect my account");
    expect(await chat.pending()).toEqual([
      { type: "elicitation", mode: "url", server: "fixture", tool: "open_link", message: "Connect your account", url: "https://example.com/connect", elicitationId: "link-1" },
    ]);
    const state = await chat.resume({ action: "accept" });
    expect(JSON.parse(state.calls[0]!.result)).toEqual({ action: "accept" });
    expect(state.answer).toBe("Connected.");
  });

  it("asks each of several questions in turn, and again after an answer that does not fit", async () => {
    const chat = await conversation([call("fixture__ask", { times: 2 }), answer("ok")]);
    const before = askCalls();
    await chat.ask("ask me twice");
    await chat.resume({ action: "accept", content: { count: 2 } });
    const [again] = (await chat.pending()) as Array<{ message: string; error?: string }>;
    expect(again).toMatchObject({ message: "Who are you?", error: expect.stringMatching(/required property "name"/) });
    await chat.resume({ action: "accept", content: { name: "Ada" } });
    expect(await chat.pending()).toMatchObject([{ message: "Who are you? (2)" }]);
    const state = await chat.resume({ action: "decline" });
    expect(JSON.parse(state.calls[0]!.result)).toEqual([{ action: "accept", content: { name: "Ada", count: 3, color: "green" } }, { action: "decline" }]);
    expect(askCalls() - before).toBe(1);
  });

  it("calls the tool again and replays the stored answers when the open call is gone", async () => {
    const chat = await conversation([call("fixture__ask", { times: 2 }), answer("ok")]);
    const before = askCalls();
    await chat.ask("ask me twice");
    await chat.resume({ action: "accept", content: { name: "Ada" } });
    chat.rebuild();
    const state = await chat.resume({ action: "cancel" });
    expect(JSON.parse(state.calls[0]!.result)).toEqual([{ action: "accept", content: { name: "Ada", count: 3, color: "green" } }, { action: "cancel" }]);
    expect(askCalls() - before).toBe(2);
  });

  it("is declined when the graph has no checkpointer to pause with", async () => {
    const chat = await conversation([call("fixture__ask", {}), answer("no")], { checkpointer: null });
    const state = await chat.ask("introduce me");
    expect(JSON.parse(state.calls[0]!.result)).toEqual({ action: "decline" });
  });
});

describe("progress of a tool call", () => {
  it("reaches the custom stream as the server reports it", async () => {
    const stub = await startOpenAIStub([call("fixture__count_up", { steps: 3, ms: 50 }), answer("counted")]);
    stubs.push(stub);
    const graph = createGraph({ client, model: await createChatModel("openai:gpt-4o", { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: stub.url }) });
    const events: unknown[] = [];
    for await (const [mode, chunk] of await graph.stream({ question: "count" }, { streamMode: ["custom", "updates"] })) {
      if (mode === "custom") events.push(chunk);
    }
    expect(events).toEqual([1, 2, 3].map((step) => ({ type: "progress", server: "fixture", tool: "count_up", progress: step, total: 3, message: `step ${step} of 3` })));
  });
});
