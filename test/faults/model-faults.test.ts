/**
 * A real model's provider misbehaving, seen through `npm start`: every request bounded, at most two
 * retries each said on standard error, a reply that is not an API's JSON named for what it is, and
 * exit code 3 for all of it. The provider is a local stub of the OpenAI API.
 */
import { afterAll, describe, expect, it } from "vitest";
import { runStart } from "../support/cli-process.js";
import { faults, startOpenAIStub, type OpenAIStub, type ScriptedReply } from "../support/model-stubs/openai.js";
import { freePort } from "../support/processes.js";
import { recordFigure } from "../support/figures.js";

const stubs: OpenAIStub[] = [];
afterAll(async () => {
  await Promise.all(stubs.map((stub) => stub.close()));
});

async function stub(script: ScriptedReply[]): Promise<OpenAIStub> {
  const started = await startOpenAIStub(script);
  stubs.push(started);
  return started;
}

const ask = (baseUrl: string, extra: string[] = []) =>
  runStart(["--model", "openai:gpt-4o", "--json", ...extra, "add 2 and 3"], { env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: baseUrl, MCP_GRAPH_DB: ":memory:" } });

describe.concurrent("a model provider that misbehaves", { timeout: 90_000 }, () => {
  it("hangs: each request is cut at --model-timeout, retried twice with a word each time, then exit 3", async () => {
    const hanging = await stub([faults.hang, faults.hang, faults.hang]);
    const run = await ask(hanging.url, ["--model-timeout", "500"]);
    recordFigure("model.hang.seconds", Math.round(run.durationMs / 100) / 10);
    expect(run.code).toBe(3);
    expect(hanging.requests).toHaveLength(3);
    expect(run.stderr).toContain(`model: no answer within 0.5 s from ${hanging.url}, retrying 1/2 in 2 s`);
    expect(run.stderr).toContain("retrying 2/2 in 4 s");
    expect(JSON.parse(run.stdout).answer).toMatch(/no answer within 0\.5 s .*after 3 attempts/);
  });

  it("answers 500: two announced retries, not a silent two minutes", async () => {
    const failing = await stub([faults.reply(500, "application/json", "{}"), faults.reply(500, "application/json", "{}"), faults.reply(502, "text/plain", "bad gateway")]);
    const run = await ask(failing.url);
    expect(run.code).toBe(3);
    expect(failing.requests).toHaveLength(3);
    expect(run.stderr).toContain(`model: HTTP 500 from ${failing.url}, retrying 1/2 in 2 s`);
    expect(JSON.parse(run.stdout).answer).toMatch(/HTTP 502 .*after 3 attempts/);
  });

  it("is down: the reason, not 77 s of silence and 'Connection error.'", async () => {
    const url = `http://127.0.0.1:${await freePort()}/v1`;
    const run = await ask(url);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/model: cannot connect \(ECONNREFUSED\) from http:\/\/127\.0\.0\.1:\d+\/v1, retrying 1\/2/);
    // The turn's own time: the process's wall time is mostly starting Node and LangChain, 20 s and more
    // with four of these at once on two busy cores. The two pauses are 6 s of it.
    const turn = JSON.parse(run.stdout) as { timingsMs: { total: number } };
    recordFigure("model.down.turn-seconds", Math.round(turn.timingsMs.total / 100) / 10);
    expect(turn.timingsMs.total).toBeLessThan(15_000);
  });

  it("answers an HTML page with status 200: named for what it is, not retried", async () => {
    const html = await stub([faults.reply(200, "text/html", "<html><body>Sign in</body></html>")]);
    const run = await ask(html.url);
    expect(run.code).toBe(3);
    expect(html.requests).toHaveLength(1);
    expect(JSON.parse(run.stdout).answer).toContain(`${html.url}/chat/completions answered text/html, not a chat completion`);
    expect(run.stderr).not.toMatch(/reading 'map'|at .*\.js:\d+/);
  });
});

describe("npm start's output", () => {
  it("ends quietly when the reader goes away (| head -1)", async () => {
    const questions = Array.from({ length: 40 }, (_, i) => `add ${i} and 1`).join("\n");
    const run = await runStart(["--json"], { input: questions, closeAfterFirstLine: true, env: { MCP_GRAPH_DB: ":memory:" } });
    expect(run.stderr).not.toMatch(/EPIPE|Error/);
    expect(run.code).toBe(0);
  });
});
