/**
 * A server that freezes (SIGSTOP) under `npm start`: the first call to it costs one timeout, the next
 * ones are refused at once while the breaker says it is unresponsive, and the other server keeps
 * answering. Real server processes, the real CLI, a config file pointing at them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStart } from "../support/cli-process.js";
import { recordFigure } from "../support/figures.js";
import { PROCESS_TIMEOUT_MS, spawnServer, type ChildServer } from "../support/server-process.js";

describe("a frozen server under npm start", { timeout: PROCESS_TIMEOUT_MS }, () => {
  let math: ChildServer | undefined;
  let weather: ChildServer | undefined;
  let dir: string;
  let config: string;

  beforeAll(async () => {
    [math, weather] = await Promise.all([spawnServer("math"), spawnServer("weather")]);
    dir = await mkdtemp(join(tmpdir(), "mcp-graph-frozen-"));
    config = join(dir, "servers.json");
    await writeFile(config, JSON.stringify({ mcpServers: { math: { url: `${math.url}/mcp` }, weather: { url: `${weather.url}/mcp` } } }));
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    // Thawed first: a stopped process cannot act on its SIGKILL until it runs again.
    if (math) process.kill(math.pid, "SIGCONT");
    await Promise.all([math?.stop("SIGKILL"), weather?.stop("SIGKILL")]);
    await rm(dir, { recursive: true, force: true });
  });

  it("5 questions to it cost about one timeout, not five; the other server answers throughout", async () => {
    const questions = ["add 1 and 2", "add 3 and 4", "multiply 5 by 6", "add 7 and 8", "multiply 9 by 9", "What's the weather in Oslo?"];
    // A first answer shows the CLI connected to both; then math freezes and the questions come.
    const result = await runStart(["--json", "--config", config, "--timeout", "3000"], {
      input: "add 20 and 22\n",
      env: { MCP_GRAPH_DB: ":memory:" },
      timeoutMs: 90_000,
      onLine: (line, stdin) => {
        if (!line.includes('"add 20 and 22"')) return;
        process.kill(math!.pid, "SIGSTOP");
        stdin.write(`${questions.join("\n")}\n`);
        stdin.end();
      },
    });
    expect(result.code, result.stderr).toBe(0);
    const [warm, ...turns] = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as { answer: string; calls: Array<{ result: string; isError: boolean }>; timingsMs: { total: number } });
    expect(warm!.calls.map((call) => call.result)).toEqual(["42"]);
    expect(turns).toHaveLength(6);
    const mathSeconds = turns.slice(0, 5).reduce((sum, turn) => sum + turn.timingsMs.total, 0) / 1000;
    recordFigure("faults.frozen.five-questions.seconds", Math.round(mathSeconds * 10) / 10);
    expect(mathSeconds).toBeLessThan(10);
    for (const turn of turns.slice(0, 5)) expect(turn.calls.every((call) => call.isError)).toBe(true);
    expect(turns.slice(1, 5).some((turn) => /unresponsive|stopped answering/.test(turn.calls[0]?.result ?? ""))).toBe(true);
    expect(turns[5]!.calls).toEqual([expect.objectContaining({ isError: false })]);
    expect(turns[5]!.answer).toMatch(/Oslo/);
  });
});
