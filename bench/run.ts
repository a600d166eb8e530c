/**
 * The benchmark program. Prints a table of medians, p99s and ratios, and optionally writes JSON.
 *
 *   npm run bench -- [--json OUT] [--quick] [--only calls,scale]
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { startChild, type Child } from "./child.js";
import type { ServersReady } from "./children/servers.js";
import { describeMachine, formatTables, Recorder, type BenchReport } from "./report.js";
import { MANY_SERVERS, TOOLS_PER_SERVER, type Suite, type SuiteContext } from "./suite.js";
import { UsageError } from "../lib/index.js";

// Loaded on demand, so `--only calls` needs neither the graph nor the offline model to import.
const SUITES: Array<{ name: string; load: () => Promise<Suite> }> = [
  { name: "cold", load: async () => (await import("./suites/cold.js")).coldSuite },
  { name: "calls", load: async () => (await import("./suites/calls.js")).callsSuite },
  { name: "question", load: async () => (await import("./suites/question.js")).questionSuite },
  { name: "throughput", load: async () => (await import("./suites/throughput.js")).throughputSuite },
  { name: "route", load: async () => (await import("./suites/route.js")).routeSuite },
  { name: "scale", load: async () => (await import("./suites/scale.js")).scaleSuite },
  { name: "memory", load: async () => (await import("./suites/memory.js")).memorySuite },
  { name: "thread", load: async () => (await import("./suites/thread.js")).threadSuite },
];

const USAGE = `Usage: npm run bench -- [--json OUT] [--quick] [--only NAME,…]

  --json OUT   also write the results as JSON to OUT
  --quick      a short run (well under a minute) to check that everything works; figures are rough
  --only LIST  run only these suites: ${SUITES.map((suite) => suite.name).join(", ")}`;

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: "string" },
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const only = values.only?.split(",").map((name) => name.trim()).filter(Boolean);
  for (const name of only ?? []) {
    if (!SUITES.some((suite) => suite.name === name)) throw new UsageError(`unknown suite "${name}"`);
  }
  return { json: values.json, quick: values.quick, only, help: values.help };
}

/**
 * The SDK's HTTP transports hand one transport-wide AbortSignal to every fetch; undici removes its
 * listener only when the request is garbage-collected, so a busy session passes Node's limit and
 * Node prints one warning per call from then on. The listeners are released by GC (README, "Findings"),
 * so the bench prints one line instead of thousands and leaves every other warning alone.
 */
function quietAbortListenerWarnings(log: (line: string) => void): void {
  const defaults = process.listeners("warning");
  process.removeAllListeners("warning");
  let seen = 0;
  process.on("warning", (warning) => {
    if (warning.name === "MaxListenersExceededWarning" && warning.message.includes("[AbortSignal]")) {
      if (seen++ === 0) log("note: MaxListenersExceededWarning on the SDK transport's AbortSignal (see bench/README.md, Findings)");
      return;
    }
    for (const listener of defaults) listener(warning);
  });
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  const origin = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  const log = (line: string) => console.error(`[bench +${((performance.now() - origin) / 1000).toFixed(1)}s] ${line}`);
  quietAbortListenerWarnings(log);
  const recorder = new Recorder();
  let servers: Promise<Child<ServersReady>> | undefined;
  let manyServers: Promise<Child<{ urls: string[] }>> | undefined;
  const context: SuiteContext = {
    recorder,
    quick: options.quick,
    // The memory suite's clients hold hundreds of sessions at once, all from loopback.
    servers: () => (servers ??= startChild<ServersReady>("./children/servers.ts", ["--max-sessions", "2000"])),
    manyServers: () => (manyServers ??= startChild("./children/many-servers.ts", [String(MANY_SERVERS), String(TOOLS_PER_SERVER)])),
    log,
  };
  const started = performance.now();
  try {
    for (const entry of SUITES) {
      if (options.only && !options.only.includes(entry.name)) continue;
      const suite = await entry.load();
      const suiteStarted = performance.now();
      await suite.run(context);
      context.log(`${suite.name} done in ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    for (const child of [servers, manyServers]) if (child) await (await child.catch(() => undefined))?.close();
  }

  const report: BenchReport = { machine: describeMachine(loadAtStart), quick: options.quick, results: recorder.results, targets: recorder.targets };
  const machine = report.machine;
  console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}`);
  console.log(`Load average (1 min): ${machine.load.start.toFixed(2)} at start, ${machine.load.end.toFixed(2)} at end`);
  console.log(`Run: ${options.quick ? "quick" : "full"}, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  console.log(formatTables(report));
  if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

process.exitCode = await main();
