import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { CLIENT_BASELINE, runClientSuite } from "./suite.js";

const MUST_PASS = /^(auth\/|initialize$|tools_call$|sse-retry$)/;

describe("MCP client conformance suite (@modelcontextprotocol/conformance 0.1.13, every client scenario)", () => {
  test("the baseline gives every entry a reason and excuses no required scenario", () => {
    const text = readFileSync(CLIENT_BASELINE, "utf8");
    // Empty now (every scenario passes); the file must still be one the suite reads as a client baseline.
    expect(text).toMatch(/^client:/m);
    const entries = text.split("\n").filter((line) => /^\s+- /.test(line));
    for (const line of entries) {
      const [, scenario, reason] = /^\s+- ([\w/-]+)\s*#\s*(\S.*)$/.exec(line) ?? [];
      expect(reason, `baseline line without a reason: ${line}`).toBeDefined();
      expect(scenario).not.toMatch(MUST_PASS);
    }
  });

  test("MultiServerClient passes every scenario outside the baseline, every auth scenario among them", async () => {
    const run = await runClientSuite();
    expect(run.passed.length + run.failed.length, run.output).toBe(23);
    expect(run.failed.filter((name) => MUST_PASS.test(name)), run.output).toEqual([]);
    expect(run.output).toContain("Baseline check passed");
    expect(run.code, run.output).toBe(0);
  }, 180_000);
});
