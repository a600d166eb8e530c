import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLangSmithStub, type LangSmithStub, type StubRun } from "../test/support/langsmith-stub.js";
import { EXIT, main, type CliIo } from "./cli.js";
import type { EvalReport } from "./report.js";
import { freePort } from "../test/support/processes.js";

const DATASET = [
  { id: "hours", category: "article", question: "How many hours do 5 days have?", expected: { tool: "multiply", args: { a: 5, b: 24 } }, answer: 120 },
  { id: "joke", category: "no-tool", question: "Tell me a joke about cats.", expected: null },
  {
    id: "oslo",
    category: "new-place",
    turns: [
      { user: "What's the weather in Oslo?", expected: { tool: "get_weather", args: { city: "Oslo" } }, answer: "Oslo" },
      { user: "And in Bergen?", expected: { tool: "get_weather", args: { city: "Bergen" } }, answer: "Bergen" },
    ],
  },
];

let dir: string;
let file: string;
let stub: LangSmithStub;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "evals-langsmith-"));
  file = join(dir, "traced.jsonl");
  await writeFile(file, DATASET.map((line) => JSON.stringify(line)).join("\n") + "\n");
  stub = await startLangSmithStub();
  env = {
    MATH_SERVER_PORT: String(await freePort()),
    WEATHER_SERVER_PORT: String(await freePort()),
    LANGSMITH_API_KEY: "lsv2_test",
    LANGSMITH_ENDPOINT: stub.url,
  };
});

afterAll(async () => {
  await stub?.close();
  await rm(dir, { recursive: true, force: true });
});

function capture(): CliIo & { out: () => string; errText: () => string } {
  let out = "";
  let err = "";
  return {
    env,
    cwd: dir,
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    out: () => out,
    errText: () => err,
  };
}

const experimentRuns = (projectId: string): StubRun[] =>
  [...stub.runs.values()].filter((run) => run.session_id === projectId && !run.parent_run_id);

describe("npm run eval with LANGSMITH_API_KEY (a local stub of the LangSmith API)", () => {
  it("runs the graph as the experiment's target: one run per example, referencing it, the graph's runs in its trace", async () => {
    const io = capture();
    const code = await main(["--dataset", file, "--json", "r1.json", "--md", "r1.md", "--concurrency", "2"], io);
    expect(io.errText()).not.toMatch(/warning|error:/);
    expect(code).toBe(EXIT.ok);
    const experiment = /LangSmith: experiment "([^"]+)"/.exec(io.errText())?.[1];
    expect(experiment).toMatch(/^mcp-graph-offline-/);

    // The dataset, mirrored: one example per question and per dialogue.
    const [dataset, ...others] = [...stub.datasets.values()];
    expect(others).toEqual([]);
    expect(dataset?.name).toBe("mcp-graph eval: traced.jsonl");
    const examples = [...stub.examples.values()];
    expect(examples.map((e) => e.metadata?.evalId).sort()).toEqual(["hours", "joke", "oslo"]);
    expect(examples.find((e) => e.metadata?.evalId === "oslo")?.inputs).toEqual({ id: "oslo", turns: ["What's the weather in Oslo?", "And in Bergen?"] });

    // The experiment: a run per example, each referencing its example.
    const project = [...stub.projects.values()].find((p) => p.name === experiment);
    expect(project).toBeDefined();
    const roots = experimentRuns(project!.id);
    expect(roots.map((run) => run.reference_example_id).sort()).toEqual(examples.map((e) => e.id).sort());
    expect(stub.unknown).toEqual([]);
    const exampleOf = (run: StubRun) => stub.examples.get(String(run.reference_example_id))!;

    // In each trace, the graph's own run for every turn, with its nodes under it.
    for (const root of roots) {
      const inTrace = [...stub.runs.values()].filter((run) => run.trace_id === root.id && run.id !== root.id);
      const graphRuns = inTrace.filter((run) => run.name === "mcp-graph" && run.parent_run_id === root.id);
      const turns = exampleOf(root).metadata?.evalId === "oslo" ? 2 : 1;
      expect(graphRuns).toHaveLength(turns);
      expect(inTrace.map((run) => run.name)).toEqual(expect.arrayContaining(["discover", "route", "respond"]));
    }
    const hours = roots.find((run) => exampleOf(run).metadata?.evalId === "hours")!;
    expect(hours.outputs).toMatchObject({ answer: expect.stringMatching(/120/), calls: [{ tool: "multiply", args: { a: 5, b: 24 } }], ok: true });
    const oslo = roots.find((run) => exampleOf(run).metadata?.evalId === "oslo")!;
    expect((oslo.outputs as { turns: Array<{ calls: Array<{ args: unknown }> }> }).turns.map((turn) => turn.calls[0]?.args)).toEqual([{ city: "Oslo" }, { city: "Bergen" }]);

    // Our scores, as feedback on each example's run.
    for (const root of roots) {
      const keys = stub.feedback.filter((f) => f.run_id === root.id).map((f) => f.key);
      expect(keys).toEqual(expect.arrayContaining(["tool", "call", "ok", "latency_ms"]));
    }
    expect(stub.feedback.find((f) => f.run_id === oslo.id && f.key === "ok")?.score).toBe(1);

    // The local reports hold the same run.
    const report = JSON.parse(await readFile(join(dir, "r1.json"), "utf8")) as EvalReport;
    expect(report.items.map((item) => [item.id, item.ok])).toEqual([["hours", true], ["joke", true], ["oslo#1", true], ["oslo#2", true]]);
  }, 90_000);

  it("a second run reuses the examples and logs a second experiment", async () => {
    const before = stub.examples.size;
    const io = capture();
    expect(await main(["--dataset", file, "--json", "r2.json", "--md", "r2.md"], io)).toBe(EXIT.ok);
    expect(stub.examples.size).toBe(before);
    const experiments = [...stub.projects.values()].filter((p) => p.name.startsWith("mcp-graph-offline-"));
    expect(experiments).toHaveLength(2);
    expect(experimentRuns(experiments[1]!.id).map((run) => run.reference_example_id).sort()).toEqual([...stub.examples.keys()].sort());
  }, 90_000);

  it("a LangSmith that refuses the experiment: a warning, the eval runs locally, the reports are complete", async () => {
    const refusing = await startLangSmithStub({ refuse: (request) => request === "POST /sessions" });
    try {
      const io = capture();
      io.env = { ...env, LANGSMITH_ENDPOINT: refusing.url };
      expect(await main(["--dataset", file, "--json", "r3.json", "--md", "r3.md"], io)).toBe(EXIT.ok);
      expect(io.errText()).toMatch(/warning: LangSmith failed \(.*403.*\); running the eval without it/);
      expect(refusing.runs.size).toBe(0);
      const report = JSON.parse(await readFile(join(dir, "r3.json"), "utf8")) as EvalReport;
      expect(report.items.map((item) => [item.id, item.ok])).toEqual([["hours", true], ["joke", true], ["oslo#1", true], ["oslo#2", true]]);
    } finally {
      await refusing.close();
    }
  }, 90_000);
});
