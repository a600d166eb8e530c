import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MultiServerClient } from "../adapters/index.js";
import { OfflineRouterModel } from "../offline/index.js";
import { startMathServer, startWeatherServer, type RunningServer } from "../servers/index.js";
import { tsxCommand } from "../test/support/processes.js";
import { createGraph, type ApprovalPolicy, type GraphState } from "./index.js";

let math: RunningServer;
let weather: RunningServer;
let client: MultiServerClient;
const callsLog = join(tmpdir(), `mcp-graph-notes-${process.pid}.log`);

beforeAll(async () => {
  [math, weather] = await Promise.all([startMathServer({ port: 0, quiet: true }), startWeatherServer({ port: 0, quiet: true })]);
  client = new MultiServerClient({
    math: { url: `${math.url}/mcp` },
    weather: { url: `${weather.url}/mcp` },
    notes: { ...tsxCommand("./fixture-servers/notes-server.ts", [callsLog]), stderr: "ignore" },
  });
  await client.connect();
});

afterAll(async () => {
  await client?.close();
  await Promise.allSettled([math?.close(), weather?.close(), rm(callsLog, { force: true })]);
});

beforeEach(async () => {
  await writeFile(callsLog, "");
});

/** The tool calls that reached the notes server since the test began. */
async function notesCalls(): Promise<Array<{ tool: string; args: Record<string, unknown> }>> {
  const text = await readFile(callsLog, "utf8");
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

let threads = 0;
function conversation(options: { approval?: ApprovalPolicy; maxSteps?: number; checkpointer?: MemorySaver | null } = {}) {
  const graph = createGraph({
    client,
    model: new OfflineRouterModel(),
    ...(options.checkpointer === null ? {} : { checkpointer: options.checkpointer ?? new MemorySaver() }),
    ...(options.approval ? { approval: options.approval } : {}),
    ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
  });
  const config = { configurable: { thread_id: `thread-${++threads}` } };
  return {
    graph,
    config,
    ask: (question: string) => graph.invoke({ question }, config) as Promise<GraphState>,
    send: (content: string) => graph.invoke({ messages: [{ role: "user", content }] }, config) as Promise<GraphState>,
    resume: (resume: unknown) => graph.invoke(new Command({ resume }), config) as Promise<GraphState>,
    pending: async () => (await graph.getState(config)).tasks.flatMap((task) => task.interrupts.map((interrupt) => interrupt.value)),
  };
}

describe("a thread", () => {
  it("accumulates messages over turns; each turn's calls, steps and errors start afresh", async () => {
    const chat = conversation();
    const first = await chat.send("How many hours do 5 days have?");
    expect(first.calls.map((call) => [call.tool, call.args])).toEqual([["multiply", { a: 5, b: 24 }]]);
    expect(first.answer).toMatch(/\b120\b/);

    const second = await chat.ask("What's the weather in Oslo?");
    expect(second.calls.map((call) => [call.tool, call.args])).toEqual([["get_weather", { city: "Oslo" }]]);
    expect(second.steps).toBe(1);
    expect(second.answer).toMatch(/Oslo/);
    // user, tool call, tool result, answer — twice.
    expect(second.messages.map((message) => message.getType())).toEqual(["human", "ai", "tool", "ai", "human", "ai", "tool", "ai"]);
    const last = second.messages.at(-1)!;
    expect(AIMessage.isInstance(last) && last.content).toBe(second.answer);
    expect(new Set(second.messages.map((message) => message.id)).size).toBe(8);
  });

  it("takes the messages a chat UI sends, and reads nothing from the turn before when the message is a new question", async () => {
    const chat = conversation();
    await chat.send("add 2 and 3");
    const second = await chat.send("multiply 6 by 7");
    expect(second.calls.map((call) => call.result)).toEqual(["42"]);
    expect(second.question).toBe("");
  });

  it("keeps the tool catalog out of the checkpoint: a version, its size, and the servers that are down", async () => {
    const chat = conversation();
    const state = await chat.ask("add 1 and 2");
    expect(state.catalog).toEqual({ version: expect.any(Number), servers: 3, tools: 5, unavailable: {} });
    expect(state.catalog.version).toBeGreaterThan(0);
    expect(JSON.stringify((await chat.graph.getState(chat.config)).values)).not.toContain("inputSchema");
  });

  it("refuses an input without a user message, and the thread is unchanged", async () => {
    const chat = conversation();
    await chat.ask("add 1 and 2");
    const before = (await chat.graph.getState(chat.config)).values.messages.length;
    await expect(chat.graph.invoke({ messages: [] }, chat.config)).rejects.toThrow(/needs a user message/);
    expect((await chat.graph.getState(chat.config)).values.messages.length).toBe(before);
  });

  it("lets the model answer after exactly maxSteps calls; only a further call is refused", async () => {
    const chat = conversation({ maxSteps: 1 });
    const state = await chat.ask("add 4 and 5");
    expect(state.answer).toMatch(/\b9\b/);
    expect(state.answer).not.toMatch(/stopped/);
  });
});

describe("approval before tools that change things", () => {
  it("runs read-only tools unasked under the default policy", async () => {
    const chat = conversation();
    const state = await chat.ask("List my notes");
    expect(state.calls.map((call) => call.tool)).toEqual(["list_notes"]);
    expect(state.approvals.map((approval) => approval.decision)).toEqual(["auto"]);
    expect(await chat.pending()).toEqual([]);
  });

  it("interrupts with a HumanInterrupt before a destructive tool, and accept runs it", async () => {
    const chat = conversation();
    await chat.ask("Delete the note groceries");
    const [request] = (await chat.pending()) as Array<Array<Record<string, unknown>>>;
    expect(request).toEqual([
      {
        action_request: { action: "notes__delete_note", args: { name: "groceries" } },
        config: { allow_accept: true, allow_edit: true, allow_respond: true, allow_ignore: true },
        description: expect.stringContaining("notes.delete_note"),
      },
    ]);
    expect(await notesCalls()).toEqual([]);

    const state = await chat.resume({ type: "accept", args: null });
    expect(await notesCalls()).toEqual([{ tool: "delete_note", args: { name: "groceries" } }]);
    expect(state.approvals.map((approval) => approval.decision)).toEqual(["accept"]);
    expect(state.answer).toMatch(/Deleted/);
    expect(await chat.pending()).toEqual([]);
  });

  it("edit runs the edited arguments; a one-element array is accepted as well", async () => {
    const chat = conversation();
    await chat.ask("Delete the note groceries");
    const state = await chat.resume([{ type: "edit", args: { action: "notes__delete_note", args: { name: "todo" } } }]);
    expect(await notesCalls()).toEqual([{ tool: "delete_note", args: { name: "todo" } }]);
    expect(state.calls.map((call) => call.args)).toEqual([{ name: "todo" }]);
  });

  it("edited arguments are validated like any other: a bad edit never reaches the server", async () => {
    const chat = conversation();
    await chat.ask("Delete the note groceries");
    const state = await chat.resume({ type: "edit", args: { action: "notes__delete_note", args: { name: 7 } } });
    expect(await notesCalls()).toEqual([]);
    expect(state.calls[0]).toMatchObject({ tool: "delete_note", isError: true });
  });

  it("ignore and response never run the tool", async () => {
    const ignored = conversation();
    await ignored.ask("Delete the note groceries");
    const afterIgnore = await ignored.resume({ type: "ignore", args: null });
    expect(afterIgnore.answer).toBe("I did not run notes.delete_note, as you chose.");

    const answered = conversation();
    await answered.ask("Delete the note groceries");
    const afterResponse = await answered.resume({ type: "response", args: "keep it, I still need it" });
    const declined = afterResponse.messages.find((message) => ToolMessage.isInstance(message));
    expect(declined?.content).toContain("keep it, I still need it");
    expect(afterResponse.approvals.map((approval) => approval.decision)).toContain("response");
    expect(await notesCalls()).toEqual([]);
  });

  it("a resume value that is not a HumanResponse is refused and the approval stays pending", async () => {
    const chat = conversation();
    await chat.ask("Delete the note groceries");
    await expect(chat.resume({ type: "maybe" })).rejects.toThrow(/not a HumanResponse/);
    expect(await chat.pending()).toHaveLength(1);
    expect(await notesCalls()).toEqual([]);
  });

  it("approval: always asks even for read-only tools; never runs destructive ones unasked", async () => {
    const always = conversation({ approval: "always" });
    await always.ask("add 2 and 3");
    expect(await always.pending()).toHaveLength(1);

    const never = conversation({ approval: "never" });
    const state = await never.ask("Delete the note todo");
    expect(await notesCalls()).toEqual([{ tool: "delete_note", args: { name: "todo" } }]);
    expect(state.approvals.map((approval) => approval.decision)).toEqual(["auto"]);
  });

  it("without a checkpointer a call that needs approval is not made, and the answer says why", async () => {
    const chat = conversation({ checkpointer: null });
    const state = await chat.graph.invoke({ question: "Delete the note groceries" });
    expect(state.answer).toMatch(/did not run notes\.delete_note.*checkpointer/);
    expect(await notesCalls()).toEqual([]);
  });
});

describe("the route model sees the whole thread", () => {
  it("gets every earlier turn's messages, and retry feedback only as named messages", async () => {
    const seen: string[][] = [];
    const model = new OfflineRouterModel({
      callbacks: [{ handleChatModelStart: (_llm, [messages]) => void seen.push(messages!.map((m) => `${m.getType()}:${HumanMessage.isInstance(m) ? m.content : ""}`)) }],
    });
    const graph = createGraph({ client, model, checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "whole-thread" } };
    await graph.invoke({ question: "add 2 and 3" }, config);
    await graph.invoke({ question: "multiply 6 by 7" }, config);
    const last = seen.at(-1)!;
    expect(last[0]).toBe("system:");
    expect(last).toContain("human:add 2 and 3");
    expect(last).toContain("human:multiply 6 by 7");
  });
});
