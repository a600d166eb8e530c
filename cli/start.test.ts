import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runStart, type CliRun } from "../test/support/cli-process.js";
import { startPostgres, type PostgresServer } from "../test/support/postgres.js";
import { tsxCommand } from "../test/support/processes.js";

/** `npm start` with its threads in a file of this test. */
function start(args: string[], input?: string, env: Record<string, string> = {}, terminal = false): Promise<CliRun> {
  return runStart(args, { input, terminal, env: { MCP_GRAPH_DB: join(dir, "threads.db"), ...env } });
}

let dir: string;
let notesConfig: string;
let notesLog: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-graph-cli-"));
  notesLog = join(dir, "notes.log");
  notesConfig = join(dir, "notes.json");
  const notes = tsxCommand("./fixture-servers/notes-server.ts", [notesLog]);
  await writeFile(notesConfig, JSON.stringify({ mcpServers: { notes: { ...notes, stderr: "ignore" } } }));
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

describe("npm start holds conversations", () => {
  it("reads follow-ups on one thread: a reply to its question, a new place, the same question with a new number, arithmetic on the result", async () => {
    const turns = ["What's the weather like?", "Seattle, please.", "What about Tokyo?", "How many hours do 5 days have?", "And 7 days?", "now multiply it by 3"];
    const run = await start(["--json"], `${turns.join("\n")}\n`);
    expect(run.code, run.stderr).toBe(0);
    const reports = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(reports.map((report) => report.calls.map((call: { tool: string; args: unknown }) => [call.tool, call.args]))).toEqual([
      [],
      [["get_weather", { city: "Seattle" }]],
      [["get_weather", { city: "Tokyo" }]],
      [["multiply", { a: 5, b: 24 }]],
      [["multiply", { a: 7, b: 24 }]],
      [["multiply", { a: 168, b: 3 }]],
    ]);
    expect(reports[0].answer).toMatch(/\?$/);
    expect(new Set(reports.map((report) => report.thread)).size).toBe(1);
  });

  it("continues a conversation in another process with --thread, and nothing carries over to a new thread", async () => {
    const first = JSON.parse((await start(["--json", "How many hours do 5 days have?"])).stdout);
    const followUp = JSON.parse((await start(["--json", "--thread", first.thread, "And 7 days?"])).stdout);
    expect(followUp.calls.map((call: { args: unknown }) => call.args)).toEqual([{ a: 7, b: 24 }]);
    const fresh = JSON.parse((await start(["--json", "And 7 days?"])).stdout);
    expect(fresh.thread).not.toBe(first.thread);
    expect(fresh.calls).toEqual([]);
  });

  beforeEach(async () => {
    await writeFile(notesLog, "");
  });
  const notesCalls = async () => (await readFile(notesLog, "utf8")).split("\n").filter(Boolean).map((line) => JSON.parse(line));

  it("without a terminal and without --yes, a tool that needs approval is not run; the answer names the flag", async () => {
    const run = await start(["--json", "--config", notesConfig, "Delete the note groceries"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.interrupt).toEqual({
      action: "notes__delete_note",
      args: { name: "groceries" },
      description: expect.stringContaining("notes.delete_note"),
    });
    expect(report.answer).toMatch(/Not run: notes\.delete_note \{"name":"groceries"\} needs approval.*--yes/);
    expect(report.thread).toMatch(/^[\w-]+$/);
    expect(await notesCalls()).toEqual([]);
  });

  it("continues a thread in another process: the approval left pending is given with --thread ID --yes", async () => {
    const first = JSON.parse((await start(["--json", "--config", notesConfig, "Delete the note groceries"])).stdout);
    const second = await start(["--json", "--config", notesConfig, "--thread", first.thread, "--yes"]);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.thread).toBe(first.thread);
    expect(report.approvals).toEqual([{ server: "notes", tool: "delete_note", decision: "accept" }]);
    expect(report.answer).toMatch(/Deleted/);
    expect(await notesCalls()).toEqual([{ tool: "delete_note", args: { name: "groceries" } }]);
  });

  it("--yes runs it at once", async () => {
    const run = await start(["--json", "--yes", "--config", notesConfig, "Delete the note todo"]);
    expect(JSON.parse(run.stdout).answer).toMatch(/Deleted/);
    expect(await notesCalls()).toEqual([{ tool: "delete_note", args: { name: "todo" } }]);
  });

  it("on a terminal: prints the thread id and the hint, asks [y/N/e] at an approval, and runs what was approved", async () => {
    const run = await start(["--config", notesConfig], "Delete the note groceries\ny\n/quit\n", {}, true);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/thread [\w-]+ {2}\(\/new starts a new thread, \/quit ends\)/);
    expect(run.stdout).toContain('Run notes.delete_note {"name":"groceries"}? [y/N/e]');
    expect(run.stdout).toMatch(/\[answer\] Deleted the note/);
    expect(await notesCalls()).toEqual([{ tool: "delete_note", args: { name: "groceries" } }]);
  });

  it("on a terminal, a plain Enter at the approval does not run the tool", async () => {
    const run = await start(["--config", notesConfig], "Delete the note groceries\n\n/quit\n", {}, true);
    expect(run.stdout).toMatch(/\[answer\] I did not run notes\.delete_note, as you chose\./);
    expect(await notesCalls()).toEqual([]);
  });
});

describe("npm start with POSTGRES_URI: several host processes share threads", () => {
  let postgres: PostgresServer | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    postgres = await startPostgres();
    env = { POSTGRES_URI: postgres.uri };
  }, 60_000);
  afterAll(async () => {
    await postgres?.stop();
  });
  beforeEach(async () => {
    await writeFile(notesLog, "");
  });

  it("an approval raised in one process is resumed in another", async () => {
    const first = JSON.parse((await start(["--json", "--config", notesConfig, "Delete the note groceries"], undefined, env)).stdout);
    expect(first.interrupt?.action).toBe("notes__delete_note");
    const second = await start(["--json", "--config", notesConfig, "--thread", first.thread, "--yes"], undefined, env);
    expect(JSON.parse(second.stdout)).toMatchObject({ thread: first.thread, approvals: [{ tool: "delete_note", decision: "accept" }] });
    expect((await readFile(notesLog, "utf8")).trim().split("\n").map((line) => JSON.parse(line))).toEqual([{ tool: "delete_note", args: { name: "groceries" } }]);
  });
});
