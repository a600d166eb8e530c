import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_LOG_CHARS, MAX_SAMPLING_INPUT_CHARS, MultiServerClient, resultText, SamplingDeclinedError, type ElicitationParams, type LogMessage, type ProgressUpdate, type SamplingParams, type ServerConfig } from "./index.js";
import { startFixtureHost, type FixtureHost } from "../test/support/fixture-servers/http-host.js";
import { capabilityTools } from "../test/support/fixture-servers/mcp-server.js";
import { tsxCommand } from "../test/support/processes.js";

// Elicitation, roots, progress and logs against a real server of ours, over Streamable HTTP and stdio.
let host: FixtureHost;
const clients: MultiServerClient[] = [];

beforeAll(async () => {
  host = await startFixtureHost(capabilityTools(), { transports: ["http"] });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await host.close();
});

const configs: Record<"http" | "stdio", () => ServerConfig> = {
  http: () => ({ url: `${host.url}/mcp`, transport: "http" }),
  stdio: () => ({ ...tsxCommand("./fixture-servers/capabilities-stdio.ts"), stderr: "ignore" }),
};

async function connected(kind: "http" | "stdio", options: ConstructorParameters<typeof MultiServerClient>[1] = {}): Promise<MultiServerClient> {
  const client = new MultiServerClient({ fixture: configs[kind]() }, { connectTimeoutMs: 20_000, ...options });
  clients.push(client);
  await client.connect();
  expect(client.status().fixture?.state).toBe("connected");
  return client;
}

describe.each(["http", "stdio"] as const)("client capabilities over %s", (kind) => {
  it("declares nothing without handlers or roots, and declines a question that comes anyway", async () => {
    const client = await connected(kind);
    expect(JSON.parse(resultText(await client.callTool("fixture", "ask_anyway", {})))).toEqual({ action: "decline" });
    if (kind === "http") expect(host.state.clientCapabilities.at(-1)).toEqual({});
  });

  it("hands a server's question to onElicitation and fills the defaults the person left out", async () => {
    const asked: Array<[string, ElicitationParams]> = [];
    const client = await connected(kind, {
      onElicitation: async (server, params) => {
        asked.push([server, params]);
        return { action: "accept", content: { name: "Ada" } };
      },
    });
    const answer = JSON.parse(resultText(await client.callTool("fixture", "ask", { question: "Who?" })));
    expect(answer).toEqual({ action: "accept", content: { name: "Ada", count: 3, color: "green" } });
    expect(asked).toMatchObject([["fixture", { message: "Who?", requestedSchema: { required: ["name"] } }]]);
    if (kind === "http") expect(host.state.clientCapabilities.at(-1)).toEqual({ elicitation: { form: {}, url: {} } });
  });

  it("lets a call answer its own questions, with its deadline stopped while a person thinks", async () => {
    const client = await connected(kind, { onElicitation: () => Promise.resolve({ action: "decline" }) });
    const result = await client.callTool("fixture", "ask", { times: 2 }, {
      timeoutMs: 400,
      onElicitation: async (params) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { action: "accept", content: { name: params.message, count: 7 } };
      },
    });
    expect(JSON.parse(resultText(result))).toEqual([
      { action: "accept", content: { name: "Who are you?", count: 7, color: "green" } },
      { action: "accept", content: { name: "Who are you? (2)", count: 7, color: "green" } },
    ]);
  });

  it("routes questions of concurrent calls to each call over HTTP, and to the client's handler over stdio", async () => {
    const client = await connected(kind, { onElicitation: () => Promise.resolve({ action: "accept", content: { name: "client" } }) });
    const own = (name: string) => ({ onElicitation: () => Promise.resolve({ action: "accept" as const, content: { name } }) });
    const [first, second] = await Promise.all([client.callTool("fixture", "ask", {}, own("first")), client.callTool("fixture", "ask", {}, own("second"))]);
    const names = [first, second].map((result) => JSON.parse(resultText(result)).content.name);
    // stdio has one stream per session: with two calls running, a question cannot name its call.
    expect(names).toEqual(kind === "http" ? ["first", "second"] : ["client", "client"]);
  });

  it("still times a call out as before when elicitation is declared", async () => {
    const client = await connected(kind, { onElicitation: () => Promise.resolve({ action: "decline" }) });
    await expect(client.callTool("fixture", "count_up", { steps: 1, ms: 2_000 }, { timeoutMs: 300 })).rejects.toMatchObject({
      name: "ToolTimeoutError",
      message: "fixture.count_up timed out after 300 ms; the call may still be running on the server and was not repeated",
    });
  });

  it("refuses an answer that does not fit the form rather than send it", async () => {
    const client = await connected(kind, { onElicitation: () => Promise.resolve({ action: "accept", content: { count: 2 } }) });
    // The server's question failed with the reason, so the fixture's tool failed: the bad answer never reached it.
    await expect(client.callTool("fixture", "ask", {})).rejects.toMatchObject({ name: "ToolProtocolError", message: expect.stringMatching(/required property "name"/) });
  });

  it("declares sampling only with onSampling, and refuses tool use and oversized requests before it", async () => {
    const text = (value: string) => ({ role: "user" as const, content: { type: "text" as const, text: value } });
    const sample = async (client: MultiServerClient, params: Record<string, unknown>) => JSON.parse(resultText(await client.callTool("fixture", "sample", { params })));
    const without = await connected(kind);
    expect(await sample(without, { messages: [text("hi")], maxTokens: 10 })).toMatchObject({ error: { code: -32601 } });

    const seen: Array<[string, SamplingParams]> = [];
    const client = await connected(kind, {
      onSampling: async (server, params) => {
        seen.push([server, params]);
        if (params.systemPrompt === "refuse") throw new SamplingDeclinedError();
        return { role: "assistant", content: { type: "text", text: "hello" }, model: "m", stopReason: "endTurn" };
      },
    });
    if (kind === "http") expect(host.state.clientCapabilities.at(-1)).toEqual({ sampling: {} });
    expect(await sample(client, { messages: [text("hi")], maxTokens: 10 })).toEqual({ role: "assistant", content: { type: "text", text: "hello" }, model: "m", stopReason: "endTurn" });
    expect(await sample(client, { messages: [text("hi")], maxTokens: 10, systemPrompt: "refuse" })).toEqual({ error: { code: -1, message: expect.stringContaining("User rejected sampling request") } });
    const tools = await sample(client, { messages: [text("hi")], maxTokens: 10, tools: [{ name: "t", inputSchema: { type: "object" } }] });
    expect(tools).toMatchObject({ error: { code: -32602, message: expect.stringContaining("sampling.tools is not declared") } });
    const big = await sample(client, { messages: [text("x".repeat(MAX_SAMPLING_INPUT_CHARS + 1))], maxTokens: 10 });
    expect(big).toMatchObject({ error: { code: -32602, message: expect.stringContaining(`at most ${MAX_SAMPLING_INPUT_CHARS}`) } });
    // Only the two requests within bounds reached the handler.
    expect(seen.map(([server]) => server)).toEqual(["fixture", "fixture"]);
  });

  it("passes a call's progress to its onProgress and the client's, in order", async () => {
    const shared: Array<[string, string, ProgressUpdate]> = [];
    const client = await connected(kind, { onProgress: (server, tool, update) => shared.push([server, tool, update]) });
    const own: ProgressUpdate[] = [];
    const result = await client.callTool("fixture", "count_up", { steps: 3, ms: 50 }, { onProgress: (update) => own.push(update) });
    expect(resultText(result)).toBe("counted to 3");
    expect(own).toEqual([1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step} of 3` })));
    expect(shared.map(([server, tool, update]) => [server, tool, update.progress])).toEqual([1, 2, 3].map((step) => ["fixture", "count_up", step]));
  });

  it("sends no progress token when nobody listens", async () => {
    const client = await connected(kind);
    expect(resultText(await client.callTool("fixture", "count_up", { steps: 1 }))).toBe("counted (no progress token)");
  });

  it("passes log messages to onLog, sets the level asked for, and bounds their rate and length", async () => {
    const logs: Array<[string, LogMessage]> = [];
    const before = host.state.logLevels.length;
    const client = await connected(kind, { logLevel: "debug", onLog: (server, message) => logs.push([server, message]) });
    if (kind === "http") expect(host.state.logLevels.slice(before)).toEqual(["debug"]);
    await client.callTool("fixture", "chatter", { n: 2 });
    await until(() => logs.length === 2);
    expect(logs).toEqual([1, 2].map((n) => ["fixture", { level: "info", logger: "chatter", data: `message ${n}` }]));

    logs.length = 0;
    await client.callTool("fixture", "chatter", { n: 1, data: "x".repeat(5_000) });
    await until(() => logs.length === 1);
    expect(String(logs[0]?.[1].data)).toHaveLength(MAX_LOG_CHARS);
  });

  it("answers roots/list with its roots and tells the server when they change", async () => {
    const client = await connected(kind, { roots: [{ uri: "file:///work/project", name: "project" }] });
    expect(JSON.parse(resultText(await client.callTool("fixture", "list_roots", {})))).toEqual([{ uri: "file:///work/project", name: "project" }]);
    const changed = host.state.rootsChanged;
    client.setRoots([{ uri: "file:///tmp" }]);
    expect(JSON.parse(resultText(await client.callTool("fixture", "list_roots", {})))).toEqual([{ uri: "file:///tmp" }]);
    if (kind === "http") await until(() => host.state.rootsChanged === changed + 1);
    expect(() => client.setRoots([{ uri: "https://example.com" }])).toThrow(/roots\.0\.uri: must be a file:\/\/ URI/);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
