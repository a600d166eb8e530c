/**
 * What a person sees of a server's questions, progress and logs: the pieces alone, then `npm start`
 * against a real fixture server over stdio, with a scripted OpenAI-compatible model.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStart } from "../test/support/cli-process.js";
import { ASK_SCHEMA } from "../test/support/fixture-servers/mcp-server.js";
import { startOpenAIStub, type OpenAIStub } from "../test/support/model-stubs/openai.js";
import { tsxCommand } from "../test/support/processes.js";
import { askQuestion, askSampling, formatLog, formatProgress, samplingPreview } from "./feedback.js";

const EVERYTHING = fileURLToPath(new URL("../node_modules/@modelcontextprotocol/server-everything/dist/index.js", import.meta.url));

describe("the pieces", () => {
  it("keep a server's text on one line, whatever control characters it sends", () => {
    expect(formatProgress({ type: "progress", server: "s", tool: "t", progress: 2, total: 4, message: "a\r\u001b[2Jb\nc" })).toBe("[progress] s.t 2/4 (50%) a b c");
    expect(formatLog("s", { level: "info", logger: "x", data: { n: 1 } })).toBe('[log] s info (x): {"n":1}');
    expect(formatLog("s", { level: "debug", data: "y".repeat(1_000) })).toHaveLength(500);
  });

  it("ask a form field by field, typed, with Enter keeping defaults and /decline at any field", async () => {
    const question = { type: "elicitation" as const, server: "s", tool: "t", message: "Who?", requestedSchema: ASK_SCHEMA };
    const prompts: string[] = [];
    const answers = (lines: string[]) => (prompt: string) => {
      prompts.push(prompt);
      return Promise.resolve(lines.shift());
    };
    expect(await askQuestion(question, answers(["Ada", "7", ""]), () => undefined)).toEqual({ action: "accept", content: { name: "Ada", count: 7 } });
    expect(prompts).toEqual(["  Your name (string, required): ", "  How many (integer) [3]: ", "  color (string, red|green) [green]: "]);
    expect(await askQuestion(question, answers(["/decline"]), () => undefined)).toEqual({ action: "decline" });
    expect(await askQuestion(question, answers([]), () => undefined)).toEqual({ action: "cancel" });
  });
});

describe("a link to open, and a sampling request to approve", () => {
  const lines = (input: string[]) => {
    const prompts: string[] = [];
    return { prompts, next: (prompt: string) => (prompts.push(prompt), Promise.resolve(input.shift())) };
  };

  it("print the link on one line with its host, never open it, and take Enter as done", async () => {
    const question = { type: "elicitation" as const, mode: "url" as const, server: "s", tool: "t", message: "Connect\u001b[2J your\naccount", url: "https://аррӏе.com/a b\nc", elicitationId: "e1" };
    const printed: string[] = [];
    const terminal = lines([""]);
    expect(await askQuestion(question, terminal.next, (line) => printed.push(line))).toEqual({ action: "accept" });
    // The look-alike host in punycode, the path encoded: what a browser would really open.
    expect(printed).toEqual(["[ask] s.t asks you to open a link (xn--80ak6aa92e.com): Connect your account", "  https://xn--80ak6aa92e.com/a%20bc"]);
    expect(terminal.prompts).toEqual(["[ask] Press Enter when you are done there, or type /decline or /cancel: "]);
    expect(await askQuestion({ ...question, url: "https://example.com/x" }, lines(["/decline"]).next, () => undefined)).toEqual({ action: "decline" });
    expect(await askQuestion({ ...question, url: "https://example.com/x" }, lines([]).next, () => undefined)).toEqual({ action: "cancel" });
    expect(await askQuestion({ ...question, url: "not a url" }, lines([""]).next, () => undefined)).toEqual({ action: "decline" });
  });

  it("show the server and a short preview, and send only on yes", async () => {
    const params = { messages: [{ role: "user" as const, content: { type: "text" as const, text: "Write\na haiku" } }], systemPrompt: "Be brief.", maxTokens: 50 };
    expect(samplingPreview(params)).toBe('"Write a haiku" (1 message, system prompt "Be brief.", up to 50 tokens)');
    const printed: string[] = [];
    expect(await askSampling("everything", params, lines(["y"]).next, (line) => printed.push(line))).toBe(true);
    expect(printed).toEqual(['[sample] everything asks the model to answer: "Write a haiku" (1 message, system prompt "Be brief.", up to 50 tokens)']);
    expect(await askSampling("everything", params, lines([""]).next, () => undefined)).toBe(false);
    expect(await askSampling("everything", params, lines([]).next, () => undefined)).toBe(false);
  });
});

describe("npm start with a server that asks, reports progress and logs", { timeout: 90_000 }, () => {
  let dir: string;
  let config: string;
  let everything: string;
  const stubs: OpenAIStub[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mcp-graph-feedback-"));
    config = join(dir, "fixture.json");
    await writeFile(config, JSON.stringify({ mcpServers: { fixture: { ...tsxCommand("./fixture-servers/capabilities-stdio.ts"), stderr: "ignore" } } }));
    everything = join(dir, "everything.json");
    await writeFile(everything, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, "stdio"], stderr: "ignore" } } }));
  });
  afterAll(async () => {
    await Promise.allSettled(stubs.map((stub) => stub.close()));
    await rm(dir, { recursive: true, force: true });
  });

  const call = (tool: string, args: Record<string, unknown>) => ({ reason: `call ${tool}`, decision: { action: "call_tool", tool, args } });
  const answer = (text: string) => ({ reason: "done", decision: { action: "answer", answer: text } });
  async function start(script: unknown[], args: string[], options: { input?: string; terminal?: boolean; config?: string } = {}) {
    const stub = await startOpenAIStub(script as Parameters<typeof startOpenAIStub>[0]);
    stubs.push(stub);
    return runStart(["--config", options.config ?? config, "--approval", "never", "--model", "openai:gpt-4o", ...args], {
      ...options,
      env: { MCP_GRAPH_DB: ":memory:", OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: stub.url },
    });
  }

  it("on a terminal: asks the server's question field by field and shows progress in place", async () => {
    const run = await start([call("fixture__ask", { question: "Who are you?" }), answer("Hello Ada."), "Hello Ada.", call("fixture__count_up", { steps: 3, ms: 150 }), answer("Counted."), "Counted."], [], {
      terminal: true,
      input: "introduce me\nAda\n\n\ncount\n/quit\n",
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("[ask] fixture.ask asks: Who are you?");
    expect(run.stdout).toContain('[call] fixture.ask → {"action":"accept","content":{"name":"Ada","count":3,"color":"green"}}');
    expect(run.stdout).toContain("[answer] Hello Ada.");
    // eslint-disable-next-line no-control-regex
    expect(run.stdout).toMatch(/\r\u001b\[2K\[progress\] fixture\.count_up 1\/3 \(33%\) step 1 of 3/);
    expect(run.stdout).toContain("[answer] Counted.");
  });

  it("without a terminal: declines the question, prints no progress, and shows logs with --verbose", async () => {
    const run = await start([call("fixture__ask", {}), answer("You declined."), "You declined.", call("fixture__chatter", { n: 2 }), answer("Said."), "Said."], ["--verbose"], { input: "introduce me\nchat\n" });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("[ask] declined: fixture.ask asked a question, which needs a terminal to answer");
    expect(run.stdout).toContain('[call] fixture.ask → {"action":"decline"}');
    expect(run.stderr).toContain("[log] fixture info (chatter): message 1\n[log] fixture info (chatter): message 2\n");
    expect(run.stdout + run.stderr).not.toContain("[progress]");
    expect(run.stdout + run.stderr).not.toContain("\r");
  });

  it("with server-everything on a terminal: its long-running tool shows progress, and its form is asked and answered", async () => {
    const script = [
      call("everything__trigger-long-running-operation", { duration: 1, steps: 4 }),
      answer("Done."),
      "Done.",
      call("everything__trigger-elicitation-request", {}),
      answer("Thanks."),
      "Thanks.",
    ];
    // The name and the yes/no field typed; Enter for the other eleven keeps their defaults or leaves them out.
    const run = await start(script, [], { terminal: true, config: everything, input: `run it\nask me\nAda Lovelace\ny\n${"\n".repeat(11)}/quit\n` });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/\[discover\] everything: 17 tools over stdio/);
    expect(run.stdout).toMatch(/\[progress\] everything\.trigger-long-running-operation 4\/4 \(100%\)/);
    expect(run.stdout).toContain("[ask] everything.trigger-elicitation-request asks: Please provide inputs for the following fields:");
    expect(run.stdout).toContain("[call] everything.trigger-elicitation-request → ✅ User provided the requested information!");
    expect(run.stdout).toMatch(/"name": "Ada Lovelace",\s+"check": true,\s+"firstLine": "It was a dark and stormy night\."/);
    expect(run.stdout).toContain("[answer] Thanks.");
  });

  it("with server-everything on a terminal: a link to open, and a sampling request sent to the model after a yes", async () => {
    const script = [
      call("everything__trigger-url-elicitation", { url: "https://example.com/connect", message: "Connect your account" }),
      answer("Connected."),
      "Connected.",
      call("everything__trigger-sampling-request", { prompt: "Write a haiku", maxTokens: 40 }),
      "Leaves fall softly.",
      answer("Sampled."),
      "Sampled.",
    ];
    const run = await start(script, [], { terminal: true, config: everything, input: "connect me\n\nsample\ny\n/quit\n" });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("[ask] everything.trigger-url-elicitation asks you to open a link (example.com): Connect your account");
    expect(run.stdout).toContain("  https://example.com/connect");
    expect(run.stdout).toContain("[call] everything.trigger-url-elicitation → ✅ User completed the URL elicitation flow.");
    expect(run.stdout).toContain('[sample] everything asks the model to answer: "Resource trigger-sampling-request context: Write a haiku" (1 message, system prompt "You are a helpful test server.", up to 40 tokens)');
    expect(run.stdout).toMatch(/\[call\] everything\.trigger-sampling-request → LLM sampling result:/);
    expect(run.stdout).toContain("Leaves fall softly.");
    expect(run.stdout).toContain("[answer] Sampled.");
  });

  it("without a terminal: declines sampling with a line saying so, unless --allow-sampling", async () => {
    const declined = await start([call("everything__trigger-sampling-request", { prompt: "Write a haiku" }), answer("Refused."), "Refused."], [], { config: everything, input: "sample\n" });
    expect(declined.code).toBe(0);
    expect(declined.stdout).toContain("[sample] declined: everything asked the model to write something, which needs a terminal to approve (or --allow-sampling)");
    expect(declined.stdout).toMatch(/\[call\] everything\.trigger-sampling-request → .*User rejected sampling request/);

    const allowed = await start([call("everything__trigger-sampling-request", { prompt: "Write a haiku" }), "Leaves fall softly.", answer("Sampled."), "Sampled."], ["--allow-sampling"], { config: everything, input: "sample\n" });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).not.toContain("[sample]");
    expect(allowed.stdout).toContain("Leaves fall softly.");
  });
});
