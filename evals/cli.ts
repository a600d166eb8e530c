import { access, mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ServerSession } from "../app/index.js";
import type { ApprovalPolicy, McpGraph } from "../graph/index.js";
import { loadDataset, type EvalItem } from "./dataset.js";
import { langsmithEnabled, runOnLangSmith } from "./langsmith.js";
import { Progress, type ProgressSink } from "./progress.js";
import { buildReport, formatConsoleReport, formatMarkdownReport, percent, type EvalReport, type RunResult } from "./report.js";
import { askOnThreads, runItems, type AnswerFn } from "./runner.js";
import { runToolItems, TOOL_SERVER, type OpenSlot } from "./tool-items.js";
import { integerFlag, UsageError } from "../lib/index.js";

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DATASET = resolve(here, "datasets/sample.jsonl");
export const DEFAULT_JSON_REPORT = resolve(here, "reports/latest.json");
export const DEFAULT_MD_REPORT = resolve(here, "reports/latest.md");
export const DEFAULT_CONCURRENCY = 4;
// Kept here rather than imported, so flags are checked before the graph's packages load.
const APPROVAL_POLICIES = ["never", "writes", "always"] as const satisfies readonly ApprovalPolicy[];

/** Exit codes: thresholds not met is a verdict, not a crash, so it differs from bad usage. */
export const EXIT = { ok: 0, belowThreshold: 1, usage: 2 } as const;

export const USAGE = `Usage: npm run eval -- [options]

Runs every question of a JSONL dataset through the graph against the MCP servers and scores the
tool calls, the arguments and the answers.

Options:
  --dataset FILE               JSONL dataset (default: evals/datasets/sample.jsonl)
  --model NAME                 offline | <provider>:<model> (openai, anthropic, ollama, google-genai,
                               groq, mistralai, bedrock) | <ChatOpenAI model name>
                               (default: offline, or openai:gpt-4o when OPENAI_API_KEY is set)
  --config FILE                {"mcpServers": {...}} file (default: DATASET.servers.json beside the
                               dataset if there is one, else the math and weather servers, started
                               here when they do not answer at their configured ports); a dataset
                               whose lines bring their own "tool" needs none: each is served alone
  --approval POLICY            never (default: the eval scores the route, no person is there to
                               approve) | writes | always
  --json OUT                   JSON report (default: evals/reports/latest.json)
  --md OUT                     Markdown report (default: evals/reports/latest.md)
  --concurrency N              questions in flight at once (default ${DEFAULT_CONCURRENCY})
  --min-call-accuracy X        exit 1 when call accuracy is below X (0..1 or a percentage, "95%")
  --min-abstain-accuracy X     exit 1 when abstention accuracy is below X
  -h, --help                   show this help

Exit codes: 0 thresholds met, 1 a threshold not met, 2 bad usage, dataset or servers, or every item
failed the same way (no API key, a model that is down): then no report is written.
With LANGSMITH_API_KEY set (LANGSMITH_ENDPOINT for another region), the run is a LangSmith
experiment: the dataset is mirrored there and every example links to the trace of its run.`;

export interface CliOptions {
  dataset: string;
  model?: string;
  config?: string;
  json: string;
  md: string;
  concurrency: number;
  approval: ApprovalPolicy;
  minCallAccuracy?: number;
  minAbstainAccuracy?: number;
}

function fractionFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const isPercent = value.trim().endsWith("%");
  const parsed = Number(isPercent ? value.trim().slice(0, -1) : value);
  const fraction = isPercent ? parsed / 100 : parsed;
  if (value.trim() === "" || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new UsageError(`--${flag} must be a number from 0 to 1 or a percentage, got "${value}"`);
  }
  return fraction;
}

/**
 * Parses the runner's flags; relative paths resolve against `cwd`.
 * @throws UsageError for an unknown flag or a bad value.
 */
export function parseCliOptions(argv: string[], cwd = process.cwd()): CliOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        dataset: { type: "string" },
        model: { type: "string" },
        config: { type: "string" },
        json: { type: "string" },
        md: { type: "string" },
        concurrency: { type: "string" },
        approval: { type: "string" },
        "min-call-accuracy": { type: "string" },
        "min-abstain-accuracy": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return "help";
  const concurrency = integerFlag("concurrency", values.concurrency) ?? DEFAULT_CONCURRENCY;
  const approval = (values.approval ?? "never") as ApprovalPolicy;
  if (!(APPROVAL_POLICIES as readonly string[]).includes(approval)) throw new UsageError(`--approval must be one of ${APPROVAL_POLICIES.join(", ")}, got "${values.approval}"`);
  const path = (value: string | undefined, fallback: string) => (value === undefined ? fallback : resolve(cwd, value));
  return {
    dataset: path(values.dataset, DEFAULT_DATASET),
    ...(values.model ? { model: values.model } : {}),
    ...(values.config ? { config: resolve(cwd, values.config) } : {}),
    json: path(values.json, DEFAULT_JSON_REPORT),
    md: path(values.md, DEFAULT_MD_REPORT),
    concurrency,
    approval,
    ...optional("minCallAccuracy", fractionFlag("min-call-accuracy", values["min-call-accuracy"])),
    ...optional("minAbstainAccuracy", fractionFlag("min-abstain-accuracy", values["min-abstain-accuracy"])),
  };
}

const optional = <K extends string>(key: K, value: number | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, number>>;

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: ProgressSink;
  cwd?: string;
}

/**
 * Which thresholds the report misses, as messages; empty when all are met. A threshold on a metric
 * the dataset cannot measure (abstention without `expected: null` items) is not a failure.
 */
export function thresholdFailures(report: EvalReport, options: Pick<CliOptions, "minCallAccuracy" | "minAbstainAccuracy">): string[] {
  const failures: string[] = [];
  const { callAccuracy, abstainAccuracy } = report.summary;
  if (options.minCallAccuracy !== undefined && callAccuracy < options.minCallAccuracy) {
    failures.push(`call accuracy ${percent(callAccuracy)} is below --min-call-accuracy ${percent(options.minCallAccuracy)}`);
  }
  if (options.minAbstainAccuracy !== undefined && abstainAccuracy !== null && abstainAccuracy < options.minAbstainAccuracy) {
    failures.push(`abstention accuracy ${percent(abstainAccuracy)} is below --min-abstain-accuracy ${percent(options.minAbstainAccuracy)}`);
  }
  return failures;
}

/** `x.servers.json` beside `x.jsonl`, when there is one: a dataset for other servers names them. */
async function siblingConfig(dataset: string): Promise<string | undefined> {
  const candidate = dataset.replace(/\.jsonl$/, ".servers.json");
  if (candidate === dataset) return undefined;
  try {
    await access(candidate);
    return candidate;
  } catch {
    return undefined;
  }
}

async function writeReport(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/**
 * The eval command. Prints the report to stdout and progress to stderr.
 * @returns the exit code (see {@link EXIT}).
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const err = (text: string) => io.stderr.write(`${text}\n`);
  let options: CliOptions | "help";
  try {
    options = parseCliOptions(argv, io.cwd);
  } catch (error) {
    err(`error: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options === "help") {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }

  let session: ServerSession | undefined;
  let graph: McpGraph | undefined;
  let report: EvalReport;
  try {
    const items = await loadDataset(options.dataset);
    const toolItems = items.filter((item) => item.tool).length;
    if (toolItems > 0 && toolItems < items.length) throw new Error(`${options.dataset}: either every line brings its own "tool" or none does`);
    // Loaded once the flags and the dataset check out, so a typo is reported at once rather than
    // after LangChain and the SDK have loaded (seconds on a busy machine).
    const { createAppGraph, defaultModelName, openServers, readSettings } = await import("../app/index.js");
    const settings = readSettings(io.env);
    const model = options.model ?? defaultModelName(settings.model);
    const { MemorySaver } = await import("@langchain/langgraph");
    const graphOn = (client: ServerSession["client"], servers: ServerSession["config"]) =>
      createAppGraph(settings, { client, servers, model, checkpointer: new MemorySaver(), approval: options.approval });
    let runAll: (items: EvalItem[], onResult: (r: RunResult) => void) => Promise<RunResult[]>;
    let ask: AnswerFn | undefined;
    if (toolItems > 0) {
      const { MultiServerClient } = await import("../adapters/index.js");
      const openSlot: OpenSlot = async (servers) => {
        const client = new MultiServerClient(servers);
        const status = await client.connect();
        const down = Object.values(status).find((s) => s.state !== "connected");
        if (down) {
          await client.close();
          throw new Error(`the tool server did not start: ${down.error ?? down.state}`);
        }
        const slotGraph = graphOn(client, servers);
        return {
          answer: askOnThreads(slotGraph),
          catalog: () => client.catalog(),
          close: async () => {
            await slotGraph.close();
            await client.close();
          },
        };
      };
      runAll = (rest, onResult) => runToolItems(rest, openSlot, { concurrency: options.concurrency, onResult });
    } else {
      try {
        session = await openServers(settings, { configFile: options.config ?? (await siblingConfig(options.dataset)) });
      } catch (error) {
        if ((error as Error).name !== "NoServerReachableError") throw error;
        err(`error: ${(error as Error).message}`);
        return EXIT.usage;
      }
      // One client for every item, as a long-running app would hold it; each question and each dialogue
      // on a thread of its own, kept in memory for the run.
      graph = graphOn(session.client, session.config);
      const answer = askOnThreads(graph);
      ask = answer;
      runAll = (rest, onResult) => runItems(rest, answer, { concurrency: options.concurrency, onResult });
    }

    const startedAt = new Date();
    const progress = new Progress(io.stderr, items.length);
    const onResult = (r: RunResult) => progress.tick(r.score.ok);
    let results: RunResult[] = [];
    let experiment: string | undefined;
    if (langsmithEnabled(io.env) && ask) {
      // The graph runs as the experiment's target, so every example links to its trace.
      const run = await runOnLangSmith({ items, ask, datasetFile: options.dataset, model, env: io.env, concurrency: options.concurrency, onResult });
      results = run.results;
      if (run.ok) experiment = run.experimentName;
      else err(`warning: LangSmith failed (${run.error.message}); ${results.length === 0 ? "running the eval without it" : "running the rest without it"}`);
    }
    // Whatever did not run in an experiment runs here, so the local reports are always complete.
    const done = new Set(results.map((r) => r.item));
    const rest = items.filter((item) => !done.has(item));
    if (rest.length > 0) results = [...results, ...(await runAll(rest, onResult))];
    const byItem = new Map(results.map((r) => [r.item, r]));
    results = items.map((item) => byItem.get(item)!);
    progress.finish();
    // The same failure on every item is the setup's (no key, a provider that is down), not a score:
    // say so and leave the last reports as they are.
    const firstError = results[0]?.outcome.error;
    if (firstError !== undefined && results.every((result) => result.outcome.error === firstError)) {
      err(`error: every item failed the same way, so no report was written: ${firstError}`);
      return EXIT.usage;
    }
    report = buildReport(results, {
      dataset: options.dataset,
      model,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(Date.now() - startedAt.getTime()),
      concurrency: options.concurrency,
      servers: session
        ? Object.fromEntries(
            Object.entries(session.client.status()).map(([name, s]) => [name, { state: s.state, toolCount: s.toolCount, ...(s.error ? { error: s.error } : {}) }]),
          )
        : { [TOOL_SERVER]: { state: "connected", toolCount: 1 } },
    });
    await writeReport(options.json, `${JSON.stringify(report, null, 2)}\n`);
    await writeReport(options.md, formatMarkdownReport(report, `npm run eval -- ${argv.join(" ")}`.trim()));
    io.stdout.write(`${formatConsoleReport(report)}\n\nReports: ${options.json}, ${options.md}\n`);

    if (experiment) err(`LangSmith: experiment "${experiment}"`);
  } catch (error) {
    err(`error: ${(error as Error).message}`);
    return EXIT.usage;
  } finally {
    await graph?.close();
    await session?.close();
  }

  const failures = thresholdFailures(report, options);
  for (const failure of failures) err(`FAIL: ${failure}`);
  return failures.length > 0 ? EXIT.belowThreshold : EXIT.ok;
}
