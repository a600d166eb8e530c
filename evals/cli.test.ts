import { spawn } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAIStub, type OpenAIStub } from "../test/support/model-stubs/openai.js";
import { EXIT, main, parseCliOptions, thresholdFailures, type CliIo } from "./cli.js";
import type { EvalReport } from "./report.js";
import { freePort } from "../test/support/processes.js";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

let dir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "evals-cli-"));
  // No LANGSMITH_API_KEY and no OPENAI_API_KEY: the run must stay on this machine.
  env = { MATH_SERVER_PORT: String(await freePort()), WEATHER_SERVER_PORT: String(await freePort()) };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(extraEnv: Record<string, string | undefined> = {}): CliIo & { out: () => string; errText: () => string } {
  let out = "";
  let err = "";
  return {
    env: { ...env, ...extraEnv },
    cwd: dir,
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    out: () => out,
    errText: () => err,
  };
}

async function dataset(name: string, lines: unknown[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return file;
}

// One item no router can get right (the tool does not exist), so call accuracy is below 1 whatever
// the offline router's quality.
const SMALL = [
  {
    id: "hours",
    category: "article",
    question: "How many hours do 5 days have?",
    expected: [
      { server: "math", tool: "multiply", args: { a: 5, b: 24 } },
      { server: "math", tool: "multiply", args: { a: 24, b: 5 } },
    ],
    answer: 120,
  },
  { id: "paris", category: "weather", question: "What's the weather in Paris?", expected: { tool: "get_weather", args: { city: "Paris" } } },
  { id: "joke", category: "no-tool", question: "Tell me a joke about cats.", expected: null, source: { dataset: "handmade" } },
  { id: "impossible", category: "adversarial", question: "add 2 and 3", expected: { tool: "divide", args: {} } },
];

describe("npm run eval (in process, real servers)", () => {
  it("runs the graph on a dataset, writes the JSON and Markdown reports and meets a reachable threshold", async () => {
    const file = await dataset("small.jsonl", SMALL);
    const io = capture();
    const code = await main(["--dataset", file, "--json", "out/r.json", "--md", "out/r.md", "--min-call-accuracy", "0"], io);
    expect(io.errText()).not.toMatch(/error:/);
    expect(code).toBe(EXIT.ok);

    const report = JSON.parse(await readFile(join(dir, "out/r.json"), "utf8")) as EvalReport;
    expect(report.summary).toMatchObject({ total: 4 });
    for (const key of ["toolAccuracy", "callAccuracy", "answerAccuracy", "p50Ms", "p95Ms"] as const) {
      expect(typeof report.summary[key]).toBe("number");
    }
    expect(report.summary.callAccuracy).toBeLessThanOrEqual(0.75);
    expect(Object.keys(report.byCategory)).toEqual(["article", "weather", "no-tool", "adversarial"]);
    expect(report.items.map((i) => i.id)).toEqual(["hours", "paris", "joke", "impossible"]);
    for (const item of report.items) {
      expect(item).toEqual(
        expect.objectContaining({ id: expect.any(String), category: expect.any(String), got: expect.any(Object), ok: expect.any(Boolean), latencyMs: expect.any(Number) }),
      );
      expect(item).toHaveProperty("expected");
    }
    const impossible = report.items[3]!;
    expect(impossible.ok).toBe(false);
    expect(impossible.scores.call).toBe(false);
    expect(report.meta).toMatchObject({ model: "offline", concurrency: 4 });
    expect(report.meta.servers.math?.state).toBe("connected");
    expect(report.meta.servers.weather?.state).toBe("connected");
    expect(report.summary.usage).toBeNull();

    const md = await readFile(join(dir, "out/r.md"), "utf8");
    expect(md).toContain("## By category");
    expect(md).toContain("| impossible | add 2 and 3 |");
    expect(io.out()).toMatch(/^all\s+4\s/m);
    expect(io.out()).toContain("Confusion matrix");
    expect(io.out()).toContain("[impossible] (adversarial) add 2 and 3");
    // stderr is not a terminal here: plain progress lines, no carriage returns.
    expect(io.errText()).toContain("eval: 4/4 items");
    expect(io.errText()).not.toContain("\r");
    // The first run loads LangChain and the SDK, which takes seconds on a loaded two-core machine.
  }, 60_000);

  it("runs a dialogue on one thread of the graph: the second turn is read after the first", async () => {
    const file = await dataset("dialogue.jsonl", [
      {
        id: "ask",
        category: "reply",
        turns: [
          { user: "What's the weather like?", expected: null },
          { user: "Lisbon", expected: { server: "weather", tool: "get_weather", args: { city: "Lisbon" } }, answer: "Lisbon" },
          { user: "And in Porto?", expected: { tool: "get_weather", args: { city: "Porto" } } },
        ],
      },
      // The same message with no turn before it: nothing to carry over.
      { id: "alone", category: "no-history", turns: [{ user: "Lisbon", expected: null }] },
    ]);
    const io = capture();
    const code = await main(["--dataset", file, "--json", "dialogue.json", "--md", "dialogue.md", "--concurrency", "2", "--min-call-accuracy", "1"], io);
    expect(io.errText()).not.toMatch(/error:/);
    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(await readFile(join(dir, "dialogue.json"), "utf8")) as EvalReport;
    expect(report.items.map((i) => [i.id, i.ok])).toEqual([["ask#1", true], ["ask#2", true], ["ask#3", true], ["alone#1", true]]);
    expect(report.items[1]!.got.calls).toEqual([expect.objectContaining({ tool: "get_weather", args: { city: "Lisbon" } })]);
    expect(report.summary).toMatchObject({ total: 4, dialogueAccuracy: 1, dialogueTotal: 2 });
    expect(Object.keys(report.byTurn ?? {})).toEqual(["turn 1", "turn 2", "turn 3"]);
  }, 60_000);

  it("sums the token usage a provider reports", async () => {
    const stub: OpenAIStub = await startOpenAIStub([
      { reason: "5 days × 24", decision: { action: "call_tool", tool: "math__multiply", args: { a: 5, b: 24 } } },
      { reason: "done", decision: { action: "answer", answer: "5 days have 120 hours." } },
    ]);
    try {
      const file = await dataset("one.jsonl", [SMALL[0]]);
      const io = capture({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: stub.url });
      const code = await main(["--dataset", file, "--model", "openai:gpt-4o-mini", "--json", "usage.json", "--md", "usage.md", "--min-call-accuracy", "1"], io);
      expect(code).toBe(EXIT.ok);
      const report = JSON.parse(await readFile(join(dir, "usage.json"), "utf8")) as EvalReport;
      expect(report.meta.model).toBe("openai:gpt-4o-mini");
      expect(report.items[0]).toMatchObject({ ok: true, got: { answer: "5 days have 120 hours." } });
      // The stub reports 100 prompt + 20 completion tokens per request, and the graph made two.
      expect(report.summary.usage).toEqual({ inputTokens: 200, outputTokens: 40, totalTokens: 240 });
      expect(io.out()).toContain("tokens: 200 in, 40 out, 240 total");
      expect(stub.requests).toHaveLength(2);
    } finally {
      await stub.close();
    }
  });

  it("talks to LangSmith only when a key is set, and a LangSmith failure is only a warning", async () => {
    const requests: string[] = [];
    const langsmith = createHttpServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      // 404, not 5xx: the client retries server errors with backoff.
      res.writeHead(404, { "content-type": "application/json" }).end('{"detail":"not found"}');
    });
    await new Promise<void>((r) => langsmith.listen(0, "127.0.0.1", () => r()));
    const endpoint = `http://127.0.0.1:${(langsmith.address() as { port: number }).port}`;
    try {
      const file = await dataset("ls.jsonl", [SMALL[2]]);
      const args = ["--dataset", file, "--json", "ls.json", "--md", "ls.md"];
      const offline = capture({ LANGSMITH_ENDPOINT: endpoint });
      expect(await main(args, offline)).toBe(EXIT.ok);
      expect(requests).toEqual([]);
      expect(offline.errText()).not.toContain("LangSmith");

      const online = capture({ LANGSMITH_ENDPOINT: endpoint, LANGSMITH_API_KEY: "lsv2_test" });
      expect(await main(args, online)).toBe(EXIT.ok);
      expect(requests.some((r) => r.startsWith("POST /datasets"))).toBe(true);
      expect(online.errText()).toMatch(/warning: LangSmith failed \(.*404.*\); running the eval without it/);
      expect(JSON.parse(await readFile(join(dir, "ls.json"), "utf8"))).toMatchObject({ summary: { total: 1 } });
    } finally {
      await new Promise<void>((r) => langsmith.close(() => r()));
    }
  }, 60_000);

  it("exits 2 and leaves the reports alone when every item failed for the same setup reason", async () => {
    const file = await dataset("setup.jsonl", SMALL);
    await writeFile(join(dir, "kept.json"), "previous report\n");
    // A real model with no key: every item fails the same way before anything is scored.
    const io = capture({ OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined });
    const code = await main(["--dataset", file, "--model", "openai:gpt-4o-mini", "--json", "kept.json", "--md", "kept.md"], io);
    expect(code).toBe(EXIT.usage);
    expect(io.errText()).toMatch(/error: every item failed the same way, so no report was written: .*OPENAI_API_KEY/);
    expect(await readFile(join(dir, "kept.json"), "utf8")).toBe("previous report\n");
    await expect(readFile(join(dir, "kept.md"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("names the line of an invalid dataset and exits 2", async () => {
    const file = await dataset("bad.jsonl", [SMALL[0], { id: "x", question: "q", expected: { tool: "add", arguments: {} } }]);
    const io = capture();
    expect(await main(["--dataset", file], io)).toBe(EXIT.usage);
    expect(io.errText()).toContain(`${file}:2:`);
    expect(io.errText()).toContain("arguments");
  });
});

describe("npm run eval (as a process)", () => {
  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolveRun, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "evals/run.ts", ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolveRun({ code, stdout, stderr });
      });
    });
  }

  it("exits 1 when call accuracy is below --min-call-accuracy, after writing the report", async () => {
    const file = await dataset("proc.jsonl", SMALL);
    const json = join(dir, "proc.json");
    const { code, stderr } = await runCli(["--dataset", file, "--json", json, "--md", join(dir, "proc.md"), "--min-call-accuracy", "0.9"]);
    expect(stderr).toMatch(/FAIL: call accuracy \d+\.\d% is below --min-call-accuracy 90\.0%/);
    expect(code).toBe(EXIT.belowThreshold);
    const report = JSON.parse(await readFile(json, "utf8")) as EvalReport;
    expect(report.summary.total).toBe(4);
  }, 60_000);

  it("exits 2 on an unknown flag", async () => {
    const { code, stderr } = await runCli(["--datset", "x"]);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain("Usage: npm run eval");
  });
});

describe("parseCliOptions / thresholdFailures", () => {
  it("resolves paths against the working directory and reads thresholds as fractions or percentages", () => {
    const options = parseCliOptions(["--dataset", "../d.jsonl", "--min-call-accuracy", "95%", "--min-abstain-accuracy", "0.9", "--concurrency", "8"], "/a/b");
    expect(options).toMatchObject({ dataset: "/a/d.jsonl", minCallAccuracy: 0.95, minAbstainAccuracy: 0.9, concurrency: 8 });
    expect(parseCliOptions(["-h"])).toBe("help");
    expect(() => parseCliOptions(["--min-call-accuracy", "1.5"])).toThrow(/min-call-accuracy/);
    expect(() => parseCliOptions(["--min-call-accuracy", ""])).toThrow(/min-call-accuracy/);
    expect(() => parseCliOptions(["--concurrency", "0"])).toThrow(/concurrency/);
    expect(() => parseCliOptions(["stray"])).toThrow();
  });

  it("fails a threshold only on a metric the dataset measures", () => {
    const report = { summary: { callAccuracy: 0.9, abstainAccuracy: null } } as unknown as EvalReport;
    expect(thresholdFailures(report, { minCallAccuracy: 0.9 })).toEqual([]);
    expect(thresholdFailures(report, { minCallAccuracy: 0.95, minAbstainAccuracy: 0.95 })).toEqual([
      "call accuracy 90.0% is below --min-call-accuracy 95.0%",
    ]);
    const abstains = { summary: { callAccuracy: 1, abstainAccuracy: 0.5 } } as unknown as EvalReport;
    expect(thresholdFailures(abstains, { minAbstainAccuracy: 0.95 })).toHaveLength(1);
  });
});
