/**
 * The benchmark program. Prints a table of medians, p99s and ratios, and optionally writes JSON.
 *
 *   npm run bench -- [--json OUT] [--quick] [--only calls,scale]
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { startChild, type Child } from "./child.js";
import type { ServersReady } from "./children/servers.js";
import { describeMachine, formatTables, Recorder, type BenchReport } from "./report.js";
import type { Suite, SuiteContext } from "./suite.js";
import { callsSuite } from "./suites/calls.js";
import { memorySuite } from "./suites/memory.js";
import { questionSuite } from "./suites/question.js";
import { routeSuite } from "./suites/route.js";
import { scaleSuite } from "./suites/scale.js";
import { throughputSuite } from "./suites/throughput.js";

const SUITES: Suite[] = [callsSuite, questionSuite, throughputSuite, routeSuite, scaleSuite, memorySuite];

const USAGE = `Usage: npm run bench -- [--json OUT] [--quick] [--only NAME,…]

  --json OUT   also write the results as JSON to OUT
  --quick      a short run (well under a minute) to check that everything works; figures are rough
  --only LIST  run only these suites: ${SUITES.map((suite) => suite.name).join(", ")}`;

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

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

  const recorder = new Recorder();
  let servers: Promise<Child<ServersReady>> | undefined;
  const context: SuiteContext = {
    recorder,
    quick: options.quick,
    servers: () => (servers ??= startChild<ServersReady>("./children/servers.ts")),
    log: (line) => console.error(`[bench] ${line}`),
  };
  const started = performance.now();
  try {
    for (const suite of SUITES) {
      if (options.only && !options.only.includes(suite.name)) continue;
      const suiteStarted = performance.now();
      await suite.run(context);
      context.log(`${suite.name} done in ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    if (servers) await (await servers.catch(() => undefined))?.close();
  }

  const report: BenchReport = { machine: describeMachine(), quick: options.quick, results: recorder.results, targets: recorder.targets };
  const machine = report.machine;
  console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}`);
  console.log(`Run: ${options.quick ? "quick" : "full"}, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  console.log(formatTables(report));
  if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

process.exitCode = await main();
