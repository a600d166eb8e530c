/**
 * `npm run conformance [-- --json FILE]`: both official MCP conformance suites. The server suite
 * runs against MathServer and WeatherServer (started here on free ports), the client suite against
 * cli/conformance/driver.ts; each with its baseline of expected failures. Prints the passed and
 * failed scenarios per suite; exits 1 when a suite has a failure outside its baseline or a stale entry.
 */
import { writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { startMathServer, startWeatherServer, type RunningServer } from "../../servers/index.js";
import { CLIENT_BASELINE, runClientSuite, runServerSuite, SERVER_BASELINE, type SuiteRun } from "./suite.js";

const USAGE = `Usage: npm run conformance -- [--json FILE]

Runs the MCP conformance suites (@modelcontextprotocol/conformance): the server suite against our math
and weather servers, the client suite against MultiServerClient (cli/conformance/driver.ts).
  --json FILE  also write { "server": { "passed": [...], "failed": [...] }, "client": { ... } }
Exit codes: 0 every failure is in its baseline, 1 otherwise.`;

interface Outcome {
  passed: string[];
  failed: string[];
}

/** A scenario of the server suite passes when it passed against every server. */
function merge(runs: SuiteRun[]): Outcome {
  const failed = [...new Set(runs.flatMap((run) => run.failed))];
  const passed = [...new Set(runs.flatMap((run) => run.passed))].filter((name) => !failed.includes(name));
  return { passed, failed };
}

function print(title: string, outcome: Outcome, ok: boolean): void {
  console.log(`${title}: ${outcome.passed.length} passed, ${outcome.failed.length} failed${ok ? " (all failures are in the baseline)" : " — FAILURES OUTSIDE THE BASELINE, or stale entries"}`);
  console.log(`  passed: ${outcome.passed.join(", ") || "(none)"}`);
  console.log(`  failed: ${outcome.failed.join(", ") || "(none)"}`);
}

/** The lines of the CLI that say what broke the baseline, for a run that did. */
function baselineReport(run: SuiteRun): string {
  const start = run.output.search(/(Unexpected failures|Stale baseline entries)/);
  return start < 0 ? run.output.slice(-2000) : run.output.slice(start);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const servers: RunningServer[] = [];
  try {
    servers.push(await startMathServer({ port: 0, quiet: true }), await startWeatherServer({ port: 0, quiet: true }));
    const [client, ...serverRuns] = await Promise.all([runClientSuite(), ...servers.map((server) => runServerSuite(`${server.url}/mcp`))]);
    const server = merge(serverRuns);
    const serverOk = serverRuns.every((run) => run.code === 0);
    print(`server suite (${servers.map((one) => one.name).join(", ")}; baseline ${relative(process.cwd(), SERVER_BASELINE)})`, server, serverOk);
    print(`client suite (MultiServerClient; baseline ${relative(process.cwd(), CLIENT_BASELINE)})`, client, client.code === 0);
    for (const run of [...serverRuns.filter((one) => one.code !== 0), ...(client.code === 0 ? [] : [client])]) console.log(`\n${baselineReport(run)}`);
    if (values.json) {
      await writeFile(values.json, `${JSON.stringify({ server, client: { passed: client.passed, failed: client.failed } }, null, 2)}\n`);
    }
    return serverOk && client.code === 0 ? 0 : 1;
  } finally {
    await Promise.all(servers.map((one) => one.close()));
  }
}

process.exitCode = await main(process.argv.slice(2));
