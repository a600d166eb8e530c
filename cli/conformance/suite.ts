/**
 * Runs the official MCP conformance suites (`@modelcontextprotocol/conformance`): the server suite
 * against a URL, the client suite against our driver. Shared by `npm run conformance` and the tests.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/conformance/dist/index.js", import.meta.url));
const DRIVER = fileURLToPath(new URL("./driver.ts", import.meta.url));
/** The client suite's expected failures, each with its reason. */
export const CLIENT_BASELINE = fileURLToPath(new URL("./expected-failures.yml", import.meta.url));
/** The server suite's, for MathServer and WeatherServer. */
export const SERVER_BASELINE = fileURLToPath(new URL("../../servers/conformance/expected-failures.yml", import.meta.url));

export interface SuiteRun {
  /** The CLI's exit code: 0 when every failure is in the baseline and no entry there passes. */
  code: number | null;
  output: string;
  passed: string[];
  failed: string[];
}

/**
 * Scenarios by outcome, from a suite's summary lines (`✓ name: 3 passed, 0 failed`, a warning fails
 * too) or, for one `scenario`, its `Passed: 3/3, 0 failed, 0 warnings` line: the baseline's criterion.
 */
export function scenarioOutcomes(output: string, scenario?: string): { passed: string[]; failed: string[] } {
  const passed: string[] = [];
  const failed: string[] = [];
  if (scenario !== undefined) {
    const [, failures, warnings] = /^Passed: \d+\/\d+, (\d+) failed, (\d+) warnings/m.exec(output) ?? [];
    (failures === "0" && warnings === "0" ? passed : failed).push(scenario);
    return { passed, failed };
  }
  for (const [, mark, name] of output.matchAll(/^([✓✗]) ([\w/.-]+): \d+ passed, \d+ failed/gmu)) (mark === "✓" ? passed : failed).push(name!);
  return { passed, failed };
}

function runCli(args: string[], timeoutMs: number): Promise<SuiteRun> {
  const scenario = args.includes("--scenario") ? args[args.indexOf("--scenario") + 1] : undefined;
  return new Promise((resolve, reject) => {
    // The CLI writes nothing to disk without -o; run it outside the repository anyway.
    // Its own process group: on timeout the clients it started go with it.
    const child = spawn(process.execPath, [CLI, ...args], { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, ...scenarioOutcomes(output, scenario) });
    });
  });
}

/** The server suite (active scenarios) against `url`, with the server baseline. */
export function runServerSuite(url: string, timeoutMs = 150_000): Promise<SuiteRun> {
  return runCli(["server", "--url", url, "--expected-failures", SERVER_BASELINE], timeoutMs);
}

/**
 * The client suite's runs: every client scenario of 0.1.13 once. `sse-retry` times the client's
 * reconnection (500 ms, 200 ms late at most), so it runs first and alone; the rest then at once.
 */
const CLIENT_RUNS = [
  [["--scenario", "sse-retry"]],
  [["--suite", "auth"], ["--suite", "backcompat"], ["--suite", "extensions"], ...["initialize", "tools_call", "elicitation-sep1034-client-defaults"].map((name) => ["--scenario", name])],
];

/**
 * Every client scenario of the suite, each running our driver, with the client baseline. The driver
 * is bundled into one file first: 23 processes compiling TypeScript at once would take seconds of CPU each.
 */
export async function runClientSuite(timeoutMs = 150_000): Promise<SuiteRun> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-graph-driver-"));
  try {
    const driver = join(dir, "driver.mjs");
    const { build } = await import("esbuild");
    await build({
      entryPoints: [DRIVER],
      outfile: driver,
      bundle: true,
      platform: "node",
      format: "esm",
      logLevel: "warning",
      // Bundled CommonJS packages still call require().
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    const deadline = Date.now() + timeoutMs;
    const runs: SuiteRun[] = [];
    for (const batch of CLIENT_RUNS) {
      // Each client gets two minutes: under load, a score of them share the CPU.
      const common = ["--command", `${process.execPath} ${driver}`, "--timeout", "120000", "--expected-failures", CLIENT_BASELINE];
      runs.push(...(await Promise.all(batch.map((which) => runCli(["client", ...which, ...common], Math.max(1, deadline - Date.now()))))));
    }
    return {
      code: runs.find((run) => run.code !== 0)?.code ?? 0,
      output: runs.map((run) => run.output).join("\n"),
      passed: runs.flatMap((run) => run.passed),
      failed: runs.flatMap((run) => run.failed),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
