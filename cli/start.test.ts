import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm start`'s script as a user would, with its own servers on free ports. */
function start(args: string[], input?: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/start.ts", ...args], {
      env: { ...process.env, MATH_SERVER_PORT: "0", WEATHER_SERVER_PORT: "0", OPENAI_API_KEY: "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-graph-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("reports a bad environment variable as one error line, before starting anything", async () => {
    const run = await start(["add 1 and 2"], undefined, { MATH_SERVER_PORT: "abc" });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe('error: MATH_SERVER_PORT must be a port number (0-65535), got "abc"\n');
  });

  it("answers the article's question step by step", async () => {
    const run = await start(["How many hours do 5 days have?"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[discover\] math: 2 tools over http — add, multiply/);
    expect(run.stdout).toMatch(/\[route\] math \/ multiply \{"a":5,"b":24\} — \S/);
    expect(run.stdout).toMatch(/\[call\] math\.multiply → 120 /);
    expect(run.stdout).toMatch(/\[answer\] .*120/);
  });

  it("prints one JSON object per question with --json", async () => {
    const run = await start(["--json", "How many hours do 5 days have?"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.question).toBe("How many hours do 5 days have?");
    expect(report.answer).toContain("120");
    expect(report.calls).toEqual([{ server: "math", tool: "multiply", args: { a: 5, b: 24 }, result: "120", isError: false }]);
    expect(report.servers).toEqual({ math: "connected", weather: "connected" });
    expect(report.timingsMs.total).toBeGreaterThan(0);
  });

  it("reads questions from standard input, one JSON line each", async () => {
    const run = await start(["--json"], "add 2 and 3\n\nWhat's the weather in Paris?\n");
    expect(run.code).toBe(0);
    const reports = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(reports.map((report) => report.calls[0]?.tool)).toEqual(["add", "get_weather"]);
    expect(reports[0].calls[0].result).toBe("5");
    expect(reports[1].calls[0].args).toEqual({ city: "Paris" });
  });

  it("fails with a one-line reason on a bad configuration file", async () => {
    const file = join(dir, "bad.json");
    await writeFile(file, JSON.stringify({ mcpServers: { math: { url: 42 } } }));
    const run = await start(["--config", file, "add 2 and 3"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: .*math/);
  });

  it("fails when no configured server is reachable", async () => {
    const file = join(dir, "down.json");
    await writeFile(file, JSON.stringify({ mcpServers: { math: { url: "http://127.0.0.1:9/mcp" } } }));
    const run = await start(["--config", file, "add 2 and 3"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: no MCP server is reachable \(math: /);
  });

  it("rejects a bad option value", async () => {
    const run = await start(["--max-steps", "zero", "add 2 and 3"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--max-steps must be a positive integer/);
  });
});
