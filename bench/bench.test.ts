/**
 * Smoke test of the benchmark program: a --quick run must finish and write a complete, well-formed
 * report. No timing is asserted; figures from a quick run on a shared machine mean little.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchReport } from "./report.js";

const RUN = fileURLToPath(new URL("./run.ts", import.meta.url));

const EXPECTED_RESULTS = [
  "cold/npm-start",
  "cold/sdk-script",
  "cold/cli/peak-rss",
  "call/sse/adapter",
  "call/sse/sdk",
  "call/sse/mcp-adapters",
  "call/sse/floor",
  "call/http/adapter",
  "call/http/sdk",
  "call/http/mcp-adapters",
  "call/http/floor",
  "call/http/sdk-signal",
  "call/http/adapter/minus-sdk-signal",
  "call/http/adapter/minus-sdk-signal/client-cpu",
  "question/warm",
  "question/per-question-connect",
  "question/floor-plus-call",
  "throughput/c1/qps",
  "throughput/c16/qps",
  "throughput/c64/qps",
  "throughput/c16/latency/p99",
  "throughput/c16/server-cpu-per-call",
  "route/offline/500-tools",
  "scale/connect/1/concurrent",
  "scale/connect/50/concurrent",
  "scale/connect/50/sequential",
  "scale/connect/50/wire-floor",
  "scale/connect/50/sdk-promise-all",
  "memory/server/sse/per-session",
  "memory/server/http/per-session",
  "memory/client/adapter/per-connection",
];

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", RUN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run bench -- --quick", () => {
  let dir: string;
  let run: { code: number | null; stdout: string; stderr: string };
  let report: BenchReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bench-"));
    const out = join(dir, "bench.json");
    run = await runBench(["--quick", "--json", out]);
    if (run.code !== 0) throw new Error(`bench exited with ${run.code}:\n${run.stderr}`);
    report = JSON.parse(await readFile(out, "utf8")) as BenchReport;
  }, 180_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("describes the machine", () => {
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.memoryGiB).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.cpu).not.toBe("");
    expect(report.quick).toBe(true);
  });

  it("reports every comparison the issue asks for, with finite numbers", () => {
    const names = report.results.map((result) => result.name);
    for (const name of EXPECTED_RESULTS) expect(names).toContain(name);
    expect(new Set(names).size).toBe(names.length);
    for (const result of report.results) {
      expect(Number.isFinite(result.value), result.name).toBe(true);
      expect(result.unit, result.name).not.toBe("");
      if (result.baseline !== undefined) {
        expect(names, result.name).toContain(result.baseline);
        expect(Number.isFinite(result.ratio), result.name).toBe(true);
      }
    }
  });

  it("checks each target with a boolean verdict that matches its value", () => {
    expect(report.targets.length).toBe(15);
    for (const target of report.targets) {
      expect(typeof target.met, target.name).toBe("boolean");
      expect(Number.isFinite(target.value), target.name).toBe(true);
      const [comparison, boundText] = target.target.split(" ") as [string, string];
      const bound = Number(boundText);
      const met = comparison === "<=" ? target.value <= bound : comparison === "<" ? target.value < bound : target.value >= bound;
      expect(target.met, target.name).toBe(met);
    }
  });

  it("prints the table of ratios", () => {
    expect(run.stdout).toMatch(/\| call\/http\/adapter +\| ms +\|/);
    expect(run.stdout).toContain("| target");
  });
});

describe("npm run bench -- with a bad option", () => {
  it("names the problem and exits with 2 before measuring anything", async () => {
    const run = await runBench(["--only", "nonsense"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown suite "nonsense"');
  });
});
