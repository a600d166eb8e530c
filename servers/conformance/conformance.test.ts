import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { startMathServer, startWeatherServer, type RunningServer } from "../index.js";
import { startHttpHost } from "../shared/http-host.js";
import { defineTool, toolServerHosting } from "../shared/tool.js";

const CLI = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/conformance/dist/index.js", import.meta.url));
const BASELINE = fileURLToPath(new URL("./expected-failures.yml", import.meta.url));
const MUST_PASS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection", "server-sse-multiple-streams"];

/**
 * Runs the active server suite against `url` (or one `scenario` of it); exit 0 means: no failure
 * outside the baseline, no stale entry in it.
 */
function runSuite(url: string, scenario?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const args = scenario ? ["--scenario", scenario] : ["--expected-failures", BASELINE];
    // The CLI writes nothing to disk without -o; run it outside the repo anyway.
    const child = spawn(process.execPath, [CLI, "server", "--url", url, ...args], {
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

describe("the shared host against the suite's progress scenario", () => {
  // Our servers have no tool that reports progress (their answers are instant), so the scenario stays
  // in the baseline for them; the host's streaming of progress is checked here with the suite's tool.
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  test("tools-call-with-progress passes against a server on our host that has test_tool_with_progress", async () => {
    const hosting = toolServerHosting({
      name: "ProgressFixture",
      instructions: "The conformance suite's progress tool.",
      defaultPort: 0,
      tools: [
        defineTool({
          name: "test_tool_with_progress",
          description: "Reports progress 0, 50 and 100 of 100, then answers.",
          inputSchema: z.strictObject({}),
          reportsProgress: true,
          handler: async (_args, context) => {
            for (const progress of [0, 50, 100]) {
              await context.progress(progress, 100, `at ${progress}`);
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
            return { text: "done" };
          },
        }),
      ],
    });
    server = await startHttpHost(hosting, { port: 0, quiet: true });
    const { code, output } = await runSuite(`${server.url}/mcp`, "tools-call-with-progress");
    expect(output, output).toMatch(/\[tools-call-with-progress\] \S*SUCCESS/);
    expect(output, output).toMatch(/Passed: 1\/1, 0 failed/);
    expect(code, output).toBe(0);
  }, 60_000);
});
