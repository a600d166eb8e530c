/**
 * `npm start --model <provider>:<model>`: the provider resolved before anything starts, a routed
 * question answered over our real servers, the answer printed as it streams. Each provider is a local
 * stub of its own API.
 */
import { afterAll, describe, expect, it } from "vitest";
import { runStart } from "../test/support/cli-process.js";
import { startAnthropicStub, type AnthropicStub } from "../test/support/model-stubs/anthropic.js";
import { startOllamaStub, type OllamaStub } from "../test/support/model-stubs/ollama.js";

const stubs: Array<AnthropicStub | OllamaStub> = [];
afterAll(async () => {
  await Promise.allSettled(stubs.map((stub) => stub.close()));
});

const CALL = { reason: "1 day = 24 hours", decision: { action: "call_tool", tool: "math__multiply", args: { a: 5, b: 24 } } };
const ANSWER = { reason: "done", decision: { action: "answer", answer: "5 days have 120 hours." } };
const WRITTEN = "Five days have 120 hours.";
const env = (extra: Record<string, string>) => ({ MCP_GRAPH_DB: ":memory:", ANTHROPIC_API_KEY: "", ANTHROPIC_BASE_URL: "", OLLAMA_BASE_URL: "", OLLAMA_HOST: "", ...extra });

describe("npm start --model with a provider", { timeout: 60_000 }, () => {
  it("anthropic:…: routes with a forced tool call, calls the tool, streams the answer", async () => {
    const stub = await startAnthropicStub([CALL, ANSWER, WRITTEN]);
    stubs.push(stub);
    const run = await runStart(["--model", "anthropic:claude-sonnet-4-5", "How many hours do 5 days have?"], {
      env: env({ ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: stub.url }),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[route\] math \/ multiply \{"a":5,"b":24\} — 1 day = 24 hours\n/);
    expect(run.stdout).toMatch(/\[call\] math\.multiply → 120 /);
    expect(run.stdout).toContain(`\n[answer] ${WRITTEN}\n[thread] `);
    expect(stub.refused).toEqual([]);
    expect(stub.requests.map((request) => [request.model, request.tool_choice?.name ?? null, request.stream === true])).toEqual([
      ["claude-sonnet-4-5", "route", true],
      ["claude-sonnet-4-5", "route", true],
      ["claude-sonnet-4-5", null, true],
    ]);
  });

  it("ollama:…: routes with the schema as format, calls the tool, streams the answer", async () => {
    const stub = await startOllamaStub([CALL, ANSWER, WRITTEN]);
    stubs.push(stub);
    const run = await runStart(["--model", "ollama:llama3.1", "How many hours do 5 days have?"], { env: env({ OLLAMA_BASE_URL: stub.url }) });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[call\] math\.multiply → 120 /);
    expect(run.stdout).toContain(`\n[answer] ${WRITTEN}\n[thread] `);
    expect(stub.requests.map((request) => [request.model, typeof request.format])).toEqual([
      ["llama3.1", "object"],
      ["llama3.1", "object"],
      ["llama3.1", "undefined"],
    ]);
  });

  it("--json is unchanged: nothing listens for tokens, so the route's answer is the answer", async () => {
    const stub = await startOllamaStub([CALL, ANSWER]);
    stubs.push(stub);
    const run = await runStart(["--json", "--model", "ollama:llama3.1", "How many hours do 5 days have?"], { env: env({ OLLAMA_HOST: stub.url }) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ answer: "5 days have 120 hours.", calls: [{ tool: "multiply", result: "120" }] });
    expect(stub.requests).toHaveLength(2);
  });

  it("a provider whose package is missing: one error line naming the package, exit 1, nothing started", async () => {
    const run = await runStart(["--model", "groq:llama3", "add 2 and 3"], { env: env({}) });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('error: model "groq:llama3" needs the @langchain/groq package: npm install @langchain/groq\n');
  });

  it("a provider without its key: one error line naming the variable, exit 1", async () => {
    const run = await runStart(["--model", "anthropic:claude-sonnet-4-5", "add 2 and 3"], { env: env({}) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: model "anthropic:claude-sonnet-4-5" needs ANTHROPIC_API_KEY .*\n$/);
  });
});
