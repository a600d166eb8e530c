import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMathServer, startWeatherServer, type RunningServer } from "../index.js";

const CLI = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/conformance/dist/index.js", import.meta.url));
const BASELINE = fileURLToPath(new URL("./expected-failures.yml", import.meta.url));
const MUST_PASS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection", "server-sse-multiple-streams"];

/** Runs the active server suite against `url`; exit 0 means: no failure outside the baseline, no stale entry in it. */
function runSuite(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // The CLI writes nothing to disk without -o; run it outside the repo anyway.
    const child = spawn(process.execPath, [CLI, "server", "--url", url, "--expected-failures", BASELINE], {
      cwd: tmpdir(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("MCP conformance suite (@modelcontextprotocol/conformance, Streamable HTTP /mcp)", () => {
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    servers.push(await startMathServer({ port: 0, quiet: true }), await startWeatherServer({ port: 0, quiet: true }));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  test("the baseline excuses no required scenario and gives every entry a reason", () => {
    const entries = readFileSync(BASELINE, "utf8")
      .split("\n")
      .filter((line) => /^\s+- /.test(line));
    expect(entries.length).toBeGreaterThan(0);
    for (const line of entries) {
      const [, scenario, reason] = /^\s+- ([\w/-]+)\s*#\s*(\S.*)$/.exec(line) ?? [];
      expect(reason, `baseline line without a reason: ${line}`).toBeDefined();
      expect(MUST_PASS).not.toContain(scenario);
    }
  });

  test.concurrent.each(["MathServer", "WeatherServer"])(
    "%s passes every scenario outside the baseline",
    async (name) => {
      const server = servers.find((candidate) => candidate.name === name);
      const { code, output } = await runSuite(`${server?.url}/mcp`);
      for (const scenario of MUST_PASS) {
        expect(output, `exit ${code}:\n${output}`).toMatch(new RegExp(`✓ ${scenario}: [1-9]\\d* passed, 0 failed`));
      }
      expect(output).toContain("Baseline check passed");
      expect(code, output).toBe(0);
    },
    180_000,
  );
});
