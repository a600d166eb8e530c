import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLangSmithStub, type LangSmithStub } from "../test/support/langsmith-stub.js";
import { freePort, stopProcessGroup } from "./studio-process.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
const GRAPH_ID = "mcp-graph";
const QUESTION = "How many hours do 5 days have?";

/** The fields of the node updates the test looks at (see graph/state.ts). */
interface NodeUpdate {
  catalog?: { version: number; servers: number; tools: number; unavailable: Record<string, string> };
  decision?: { reason: string; decision: { action: string; tool?: string } } | null;
  calls?: Array<Record<string, unknown>>;
  approvals?: Array<{ tool: string; decision: string }>;
  answer?: string;
}

interface Studio {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run studio` minus npm: the same script, in its own process group so cleanup reaches all of it. */
function startStudio(args: string[], extraEnv: Record<string, string> = {}): Studio {
  const child = spawn(TSX, ["cli/studio.ts", ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      MATH_SERVER_PORT: "0",
      WEATHER_SERVER_PORT: "0",
      MCP_HOST: "127.0.0.1",
      // The offline router, whatever the machine running the tests has configured.
      OPENAI_API_KEY: "",
      ...extraEnv,
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, output: () => output, exited };
}

/** Resolves with the captured output once `pattern` appears; rejects when the process exits first. */
async function waitForOutput(studio: Studio, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = studio.output().match(pattern);
    if (match) return match;
    if (studio.child.exitCode !== null || studio.child.signalCode !== null) {
      throw new Error(`studio exited (${studio.child.exitCode ?? studio.child.signalCode}) before ${pattern}:\n${studio.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${studio.output()}`);
}

describe("npm run studio", () => {
  let studio: Studio | undefined;
  let devServerPid: number | undefined;
  let apiUrl = "";
  const mcpUrls: string[] = [];
  let schemas: Promise<Response> | undefined;
  let langsmith: LangSmithStub | undefined;

  beforeAll(async () => {
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    // Tracing turned on the way a user does it, to a local stand-in for LangSmith.
    langsmith = await startLangSmithStub();
    studio = startStudio(["--port", String(port), "--no-reload"], {
      LANGSMITH_TRACING: "true",
      LANGSMITH_API_KEY: "lsv2_test",
      LANGSMITH_ENDPOINT: langsmith.url,
      LANGSMITH_PROJECT: "studio-test",
    });
    devServerPid = Number((await waitForOutput(studio, /LangGraph dev server pid (\d+)/, 30_000))[1]);
    await waitForOutput(studio, /LangGraph Studio: \S+/, 90_000);
    for (const match of studio.output().matchAll(/(?:MathServer|WeatherServer)\s+(http\S+)/g)) mcpUrls.push(match[1]!);
    // Extracting the schemas type-checks the project for several seconds: let it overlap the run.
    schemas = fetch(`${apiUrl}/assistants/${GRAPH_ID}/schemas`);
    schemas.catch(() => undefined);
  }, 120_000);

  afterAll(async () => {
    // Both groups: the studio script's, and the dev server's in case the script could not stop it.
    if (studio?.child.pid !== undefined) await stopProcessGroup(studio.child.pid);
    if (devServerPid) await stopProcessGroup(devServerPid);
    await langsmith?.close();
  }, 30_000);

  it("prints the Studio URL for the dev server and starts both MCP servers", () => {
    expect(studio!.output()).toContain(`LangGraph Studio: https://smith.langchain.com/studio/?baseUrl=${apiUrl}`);
    expect(mcpUrls).toHaveLength(2);
    expect(studio!.output()).toMatch(/MathServer\s+http:\/\/127\.0\.0\.1:\d+\/mcp \(started here\)/);
    expect(studio!.output()).toContain(`LangSmith:        tracing runs to project "studio-test" at ${langsmith!.url}`);
  });

  it("runs Chat mode's {messages} input node by node, calling math__multiply and answering 120", async () => {
    const client = new Client({ apiUrl });
    const thread = await client.threads.create();
    try {
      const updates: Array<[string, NodeUpdate]> = [];
      for await (const chunk of client.runs.stream(thread.thread_id, GRAPH_ID, {
        input: { messages: [{ role: "user", content: QUESTION }] },
        streamMode: "updates",
      })) {
        if (chunk.event === "error") throw new Error(`run failed: ${JSON.stringify(chunk.data)}`);
        if (chunk.event !== "updates") continue;
        for (const [node, update] of Object.entries(chunk.data as Record<string, NodeUpdate>)) {
          updates.push([node, update]);
        }
      }
      expect(updates.map(([node]) => node)).toEqual(["discover", "route", "callTool", "route", "respond"]);
      const [discover, route, callTool, , respond] = updates.map(([, update]) => update);

      expect(discover?.catalog).toEqual({ version: expect.any(Number), servers: 2, tools: 3, unavailable: {} });
      expect(route?.decision?.reason).toEqual(expect.stringMatching(/\S/));
      expect(route?.decision?.decision).toMatchObject({ action: "call_tool", tool: "math__multiply" });
      expect(route?.approvals).toEqual([expect.objectContaining({ tool: "multiply", decision: "auto" })]);
      expect(callTool?.calls).toEqual([expect.objectContaining({ server: "math", tool: "multiply", result: "120", isError: false })]);
      expect(respond?.answer).toMatch(/\b120\b/);

      // A second run on the same thread: a new turn of the same conversation.
      await client.runs.wait(thread.thread_id, GRAPH_ID, { input: { messages: [{ role: "user", content: "What's the weather in Oslo?" }] } });
      const state = await client.threads.getState<{ answer: string; messages: Array<{ type: string; content: unknown }> }>(thread.thread_id);
      expect(state.values.answer).toMatch(/Oslo/);
      expect(state.values.messages.map((message) => message.type)).toEqual(["human", "ai", "tool", "ai", "human", "ai", "tool", "ai"]);
      expect(state.values.messages.at(-1)?.content).toBe(state.values.answer);
    } finally {
      await client.threads.delete(thread.thread_id);
    }
  }, 30_000);

  it("reads every follow-up family on a thread, through the SDK", async () => {
    const client = new Client({ apiUrl });
    const thread = await client.threads.create();
    try {
      const turns: Array<[string, Array<[string, Record<string, unknown>]>]> = [
        ["What's the weather like?", []],
        ["The city is Phoenix", [["get_weather", { city: "Phoenix" }]]],
        ["How about in LA", [["get_weather", { city: "Los Angeles" }]]],
        ["What is 6 times 7?", [["multiply", { a: 6, b: 7 }]]],
        ["Add 8 to that", [["add", { a: 8, b: 42 }]]],
        ["what about 12?", [["add", { a: 12, b: 42 }]]],
      ];
      for (const [content, expected] of turns) {
        await client.runs.wait(thread.thread_id, GRAPH_ID, { input: { messages: [{ role: "user", content }] } });
        const state = await client.threads.getState<{ calls: Array<{ tool: string; args: Record<string, unknown> }> }>(thread.thread_id);
        expect({ content, calls: state.values.calls.map((call) => [call.tool, call.args]) }).toEqual({ content, calls: expected });
      }
    } finally {
      await client.threads.delete(thread.thread_id);
    }
  }, 60_000);

  it("leaves LangSmith tracing as the user set it: the Chat run's trace reaches LANGSMITH_ENDPOINT", async () => {
    // The client batches runs and sends them within a second or so.
    const deadline = Date.now() + 15_000;
    const names = () => new Set([...langsmith!.runs.values()].map((run) => run.name));
    while (Date.now() < deadline && !(names().has("callTool") && names().has("respond"))) await new Promise((resolve) => setTimeout(resolve, 200));
    expect([...names()]).toEqual(expect.arrayContaining(["discover", "route", "callTool", "respond"]));
    const callTool = [...langsmith!.runs.values()].find((run) => run.name === "callTool")!;
    expect(callTool.session_name).toBe("studio-test");
    expect(JSON.stringify(callTool.outputs)).toContain('"result":"120"');
    expect(langsmith!.unknown).toEqual([]);
  }, 30_000);

  it("shows an approval as an interrupt, and resumes from a command", async () => {
    const client = new Client({ apiUrl });
    const thread = await client.threads.create();
    try {
      // Our tools are read-only, so only the `always` policy asks before them.
      await client.runs.wait(thread.thread_id, GRAPH_ID, {
        input: { messages: [{ role: "user", content: "add 2 and 3" }] },
        config: { configurable: { approval: "always" } },
      });
      const waiting = await client.threads.get(thread.thread_id);
      expect(waiting.status).toBe("interrupted");
      const interrupts = Object.values(waiting.interrupts ?? {}).flat();
      expect(interrupts.map((interrupt) => interrupt.value)).toEqual([
        [expect.objectContaining({ action_request: { action: "math__add", args: { a: 2, b: 3 } } })],
      ]);

      await client.runs.wait(thread.thread_id, GRAPH_ID, {
        command: { resume: { type: "accept", args: null } },
        config: { configurable: { approval: "always" } },
      });
      const state = await client.threads.getState<{ answer: string; calls: Array<{ result: string }> }>(thread.thread_id);
      expect(state.values.calls.map((call) => call.result)).toEqual(["5"]);
      expect(state.values.answer).toMatch(/\b5\b/);
      expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    } finally {
      await client.threads.delete(thread.thread_id);
    }
  }, 30_000);

  it("serves the assistant's input, output and configuration schemas", async () => {
    const response = await schemas!;
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, { properties?: Record<string, unknown> } | undefined>;
    expect(Object.keys(body.input_schema?.properties ?? {})).toEqual(expect.arrayContaining(["messages", "question"]));
    expect(Object.keys(body.output_schema?.properties ?? {})).toEqual(expect.arrayContaining(["messages", "decision", "calls", "approvals", "answer"]));
    // The catalog is a summary in the state; the tool definitions stay in the runtime context.
    expect(JSON.stringify(body.output_schema?.properties?.catalog)).not.toContain("inputSchema");
    expect(Object.keys(body.config_schema?.properties ?? {})).toEqual(expect.arrayContaining(["model", "maxSteps", "servers", "approval"]));
  }, 120_000);

  it("stops the dev server and the MCP servers on Ctrl-C, exiting 0", async () => {
    // A terminal's Ctrl-C signals the whole foreground group: npm, tsx and the script.
    process.kill(-studio!.child.pid!, "SIGINT");
    expect(await studio!.exited).toBe(0);
    await expect(fetch(`${apiUrl}/ok`)).rejects.toThrow();
    for (const url of mcpUrls) await expect(fetch(new URL("/healthz", url))).rejects.toThrow();
    expect(() => process.kill(-devServerPid!, 0)).toThrow();
  }, 30_000);
});

describe("npm run studio on a taken port", () => {
  let blocker: Server | undefined;

  afterAll(async () => {
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  });

  it("says the port is in use and exits 1 without starting anything", async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen({ host: "127.0.0.1", port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    const studio = startStudio(["--port", String(port)]);
    try {
      expect(await studio.exited).toBe(1);
      expect(studio.output()).toContain(`port ${port} is already in use`);
      expect(studio.output()).not.toContain("LangGraph dev server pid");
    } finally {
      if (studio.child.pid !== undefined) await stopProcessGroup(studio.child.pid);
    }
  }, 30_000);
});
