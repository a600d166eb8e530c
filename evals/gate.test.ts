import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DATASET, EXIT, main } from "./cli.js";
import type { EvalReport } from "./report.js";
import { freePort } from "../test/support/processes.js";

/** The offline router's targets (issue 5), measured on the sample set: CI's routing-quality gate. */
const MIN_CALL_ACCURACY = 0.95;
const MIN_ABSTAIN_ACCURACY = 0.95;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "evals-gate-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the sample set with the offline model", () => {
  it(`reaches ${MIN_CALL_ACCURACY * 100}% exact calls and ${MIN_ABSTAIN_ACCURACY * 100}% correct abstentions`, async () => {
    let out = "";
    const json = join(dir, "gate.json");
    const code = await main(
      [
        "--dataset", DEFAULT_DATASET,
        "--model", "offline",
        "--json", json,
        "--md", join(dir, "gate.md"),
        "--min-call-accuracy", String(MIN_CALL_ACCURACY),
        "--min-abstain-accuracy", String(MIN_ABSTAIN_ACCURACY),
      ],
      {
        env: { MATH_SERVER_PORT: String(await freePort()), WEATHER_SERVER_PORT: String(await freePort()) },
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: () => true },
      },
    );
    const report = JSON.parse(await readFile(json, "utf8")) as EvalReport;
    // The failures list is the useful part of a red gate.
    const failed = out.slice(out.indexOf("Failures"));
    expect(report.summary.total, failed).toBeGreaterThanOrEqual(100);
    expect(report.summary.errors, failed).toBe(0);
    expect(report.summary.callAccuracy, failed).toBeGreaterThanOrEqual(MIN_CALL_ACCURACY);
    expect(report.summary.abstainAccuracy, failed).toBeGreaterThanOrEqual(MIN_ABSTAIN_ACCURACY);
    expect(code).toBe(EXIT.ok);
    // 132 questions through the real graph and servers; generous for a loaded two-core CI machine.
  }, 120_000);
});
