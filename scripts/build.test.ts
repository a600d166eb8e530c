import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript, checked by its own // @ts-check
import { build, ROOT } from "./build.mjs";

const run = promisify(execFile);

// Built inside the project, so that the output resolves node_modules as dist/ does; not in dist/,
// which other tests' `npm start` may be running at the same time.
let out: string;
beforeAll(async () => {
  await mkdir(join(ROOT, ".mcp-graph"), { recursive: true });
  out = await mkdtemp(join(ROOT, ".mcp-graph", "build-test-"));
  (build as (files?: string[], dist?: string) => void)(undefined, out);
}, 60_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe("the build", () => {
  it("writes every module the CLI imports, JSON data included, and the built CLI answers", async () => {
    expect(existsSync(join(out, "cli", "start.js"))).toBe(true);
    expect(existsSync(join(out, "offline", "vocabulary", "en.json"))).toBe(true);
    expect(existsSync(join(out, ".built"))).toBe(true);
    const { stdout } = await run(process.execPath, [join(out, "cli", "start.js"), "--json", "How many hours do 5 days have?"], {
      cwd: ROOT,
      env: { ...process.env, MATH_SERVER_PORT: "0", WEATHER_SERVER_PORT: "0" },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ answer: expect.stringContaining("120") });
  }, 90_000);
});
