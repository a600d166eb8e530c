/**
 * (0) Cold start, what a user waits for: `npm start -- "How many hours do 5 days have?"` as a whole
 * process, spawn to exit, against the floor, a plain `node` script making the same MCP exchanges with
 * the SDK alone (bench/children/sdk-question.mjs); and `node bin/mcp-graph.mjs` (the same CLI without
 * npm) to tell npm's share. All meet our servers already running at their ports (the servers child),
 * as after `npm run servers`. Peak RSS comes from each Node process itself (children/peak-rss.mjs).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { interleave, summarize, type Variant } from "../stats.js";
import type { Suite } from "../suite.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const QUESTION = "How many hours do 5 days have?";
const PEAK_RSS_HOOK = new URL("../children/peak-rss.mjs", import.meta.url).href;
const MIB = 2 ** 20;

class ColdRunError extends Error {
  constructor(variant: string, detail: string) {
    super(`${variant}: ${detail}`);
    this.name = "ColdRunError";
  }
}

/** Runs a command to its end; resolves with the wall time in ms. @throws {ColdRunError} unless it exits 0 and prints the answer. */
function timedRun(variant: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const elapsed = performance.now() - started;
      if (code !== 0 || !output.includes("120 hours")) reject(new ColdRunError(variant, `exit ${code}: ${output.slice(-400)}`));
      else resolve(elapsed);
    });
  });
}

export const coldSuite: Suite = {
  name: "cold",
  async run(context) {
    const { recorder, quick } = context;
    const { math, weather } = (await context.servers()).ready;
    const dir = await mkdtemp(join(tmpdir(), "bench-cold-"));
    const rssFile = join(dir, "peak-rss.txt");
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        MATH_SERVER_PORT: new URL(math).port,
        WEATHER_SERVER_PORT: new URL(weather).port,
        MCP_GRAPH_DB: join(dir, "threads.db"),
        OPENAI_API_KEY: "",
        POSTGRES_URI: "",
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${PEAK_RSS_HOOK}`.trim(),
        BENCH_PEAK_RSS_FILE: rssFile,
      };
      const npm = process.platform === "win32" ? "npm.cmd" : "npm";
      const variants: Variant[] = [
        { name: "npm-start", selfTimed: true, run: () => timedRun("npm-start", npm, ["start", "--silent", "--", QUESTION], env) },
        { name: "bin", selfTimed: true, run: () => timedRun("bin", process.execPath, ["bin/mcp-graph.mjs", QUESTION], env) },
        {
          name: "sdk-script",
          selfTimed: true,
          run: () => timedRun("sdk-script", process.execPath, ["bench/children/sdk-question.mjs", `${math}/mcp`, `${weather}/mcp`], env),
        },
      ];
      context.log("cold: npm start against a plain node SDK script, whole processes");
      // The warm-up (a full run's first, untimed run of each) rebuilds dist/ if a source changed since the
      // last build and fills the file cache; its peaks are not the runs' (a rebuild loads esbuild), so the
      // file starts with the first timed batch.
      let timed = false;
      const aroundBatch = async () => {
        if (!timed) await writeFile(rssFile, "");
        timed = true;
        return async () => {};
      };
      const samples = await interleave(variants, quick ? { warmup: 0, rounds: 1, batch: 1, aroundBatch } : { warmup: 1, rounds: 10, batch: 1, aroundBatch });
      recorder.addLatency("cold/sdk-script", summarize(samples.get("sdk-script")!));
      recorder.addLatency("cold/npm-start", summarize(samples.get("npm-start")!), "cold/sdk-script");
      recorder.addLatency("cold/bin", summarize(samples.get("bin")!), "cold/sdk-script");

      // The largest peak of each kind of process over the timed runs.
      const peaks = new Map<string, number>();
      for (const line of (await readFile(rssFile, "utf8")).trim().split("\n")) {
        const [script = "", bytes = "0"] = line.split(" ");
        const kind = script.endsWith("mcp-graph.mjs") ? "cli" : script.endsWith("sdk-question.mjs") ? "sdk-script" : script.includes("npm") ? "npm" : "other";
        peaks.set(kind, Math.max(peaks.get(kind) ?? 0, Number(bytes)));
      }
      recorder.add("cold/sdk-script/peak-rss", "MiB", (peaks.get("sdk-script") ?? Number.NaN) / MIB);
      recorder.add("cold/cli/peak-rss", "MiB", (peaks.get("cli") ?? Number.NaN) / MIB, "cold/sdk-script/peak-rss");
      recorder.add("cold/npm/peak-rss", "MiB", (peaks.get("npm") ?? Number.NaN) / MIB);
      recorder.target("cold: npm start ÷ plain node SDK script (median)", "<=", 2.5, recorder.get("cold/npm-start") / recorder.get("cold/sdk-script"));
      recorder.target("cold: peak RSS of the CLI process (MiB)", "<=", 150, recorder.get("cold/cli/peak-rss"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
