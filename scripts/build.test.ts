import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicStub, type AnthropicStub } from "../test/support/model-stubs/anthropic.js";
// @ts-expect-error: plain JavaScript, checked by its own // @ts-check
import { build, ROOT } from "./build.mjs";

const run = promisify(execFile);
const IMPORT_LOG = new URL("../test/support/import-log.mjs", import.meta.url).href;

// Built inside the project, so that the output resolves node_modules as dist/ does; not in dist/,
// which other tests' `npm start` may be running at the same time.
let out: string;
let stub: AnthropicStub | undefined;
beforeAll(async () => {
  await mkdir(join(ROOT, ".mcp-graph"), { recursive: true });
  out = await mkdtemp(join(ROOT, ".mcp-graph", "build-test-"));
  await (build as (dist?: string) => Promise<void>)(out);
}, 60_000);
afterAll(async () => {
  await stub?.close();
  await rm(out, { recursive: true, force: true });
});

describe("the build", () => {
  it("bundles the CLI into a start file and its chunks, and the built CLI answers", async () => {
    expect(existsSync(join(out, "cli", "start.js"))).toBe(true);
    expect(existsSync(join(out, "chunks"))).toBe(true);
    expect(existsSync(join(out, ".built"))).toBe(true);
    const { stdout } = await run(process.execPath, [join(out, "cli", "start.js"), "--json", "How many hours do 5 days have?"], {
      cwd: ROOT,
      env: { ...process.env, MATH_SERVER_PORT: "0", WEATHER_SERVER_PORT: "0", MCP_GRAPH_DB: ":memory:" },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ answer: expect.stringContaining("120") });
  }, 90_000);

  it("loads nothing from node_modules but the native SQLite addon, a provider's model included", async () => {
    // initChatModel imports the provider by a computed name: unbundled, ChatAnthropic would come from
    // node_modules with a second @langchain/core.
    stub = await startAnthropicStub([
      { reason: "1 day = 24 hours", decision: { action: "call_tool", tool: "math__multiply", args: { a: 5, b: 24 } } },
      { reason: "done", decision: { action: "answer", answer: "5 days have 120 hours." } },
      "Five days have 120 hours.",
    ]);
    const log = join(out, "imports.log");
    const { stdout } = await run(process.execPath, ["--import", IMPORT_LOG, join(out, "cli", "start.js"), "--model", "anthropic:claude-sonnet-4-5", "How many hours do 5 days have?"], {
      cwd: ROOT,
      env: {
        ...process.env,
        IMPORT_LOG_FILE: log,
        MATH_SERVER_PORT: "0",
        WEATHER_SERVER_PORT: "0",
        MCP_GRAPH_DB: join(out, "threads.db"),
        ANTHROPIC_API_KEY: "sk-ant-test",
        ANTHROPIC_BASE_URL: stub.url,
      },
      timeout: 60_000,
    });
    expect(stdout).toContain("[answer] Five days have 120 hours.");
    const loaded = (await readFile(log, "utf8")).split("\n").filter((url) => url.startsWith("file:"));
    expect(loaded.some((url) => url.includes("/chunks/"))).toBe(true);
    expect(loaded.filter((url) => url.includes("/node_modules/") && !url.includes("/node_modules/better-sqlite3/"))).toEqual([]);
  }, 90_000);
});
