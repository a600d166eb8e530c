/**
 * The main command: answers questions with the graph, printing each step as it happens.
 *
 *   npm start -- "How many hours do 5 days have?"
 *   npm start -- --json "What's the weather in Paris?"
 *   echo "add 2 and 3" | npm start -- --json
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createAppGraph, openServers, readSettings, type ServerSession } from "../app/index.js";
import { integerFlag } from "../lib/index.js";
import type { GraphState, McpGraph } from "../graph/index.js";
import { formatJson, formatUpdate } from "./report.js";

const USAGE = `Usage: npm start -- [options] [question]

Answers the question (or each line of standard input) with tools from the MCP servers.

Options:
  --json             print one JSON object per question instead of the step-by-step view
  --config FILE      an {"mcpServers": {...}} JSON file (default: the math and weather servers,
                     started here when they do not answer at their configured ports)
  --model NAME       offline | openai:<model> | <ChatOpenAI model name>
                     (default: offline, or openai:gpt-4o when OPENAI_API_KEY is set)
  --max-steps N      tool calls allowed per question (default 5)
  --timeout MS       bound on each tool call in milliseconds (default 30000)
  -h, --help         show this help`;

interface Options {
  json: boolean;
  config?: string;
  model?: string;
  maxSteps?: number;
  timeoutMs?: number;
  question?: string;
}

function parseOptions(argv: string[]): Options | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      config: { type: "string" },
      model: { type: "string" },
      "max-steps": { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const question = positionals.join(" ").trim();
  return {
    json: values.json,
    config: values.config,
    model: values.model,
    maxSteps: integerFlag("max-steps", values["max-steps"]),
    timeoutMs: integerFlag("timeout", values.timeout),
    question: question || undefined,
  };
}

async function main(argv: string[]): Promise<number> {
  let options: Options | "help";
  try {
    options = parseOptions(argv);
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }

  let session: ServerSession | undefined;
  let graph: McpGraph | undefined;
  try {
    const settings = readSettings(process.env);
    session = await openServers(settings, { configFile: options.config });
    graph = createAppGraph(settings, {
      client: session.client,
      servers: session.config,
      model: options.model,
      maxSteps: options.maxSteps,
      callTimeoutMs: options.timeoutMs,
    });

    if (options.question) {
      await answer(graph, options.question, options.json);
      return 0;
    }
    for await (const question of readQuestions()) await answer(graph, question, options.json);
    return 0;
  } catch (error) {
    return fail((error as Error).message);
  } finally {
    await graph?.close();
    await session?.close();
  }
}

async function answer(graph: McpGraph, question: string, json: boolean): Promise<void> {
  const started = performance.now();
  const timingsMs: Record<string, number> = {};
  let last = started;
  let final: GraphState | undefined;
  const stream = await graph.stream({ question }, { streamMode: ["updates", "values"] });
  for await (const [mode, chunk] of stream) {
    if (mode === "values") {
      final = chunk as GraphState;
      continue;
    }
    const now = performance.now();
    for (const [node, update] of Object.entries(chunk as Record<string, Partial<GraphState>>)) {
      timingsMs[node] = (timingsMs[node] ?? 0) + (now - last);
      if (!json) for (const line of formatUpdate(node, update, final)) console.log(line);
    }
    last = now;
  }
  timingsMs.total = performance.now() - started;
  if (!final) throw new Error("the graph produced no state");
  if (json) console.log(formatJson({ question, state: final, timingsMs }));
  else console.log("");
}

/** Questions from standard input, one per line; with a prompt when a person is typing. */
async function* readQuestions(): AsyncGenerator<string> {
  const lines = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stdout : undefined, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    lines.setPrompt("question> ");
    lines.prompt();
  }
  for await (const line of lines) {
    const question = line.trim();
    if (question) yield question;
    if (process.stdin.isTTY) lines.prompt();
  }
}


function fail(message: string): number {
  console.error(`error: ${message}`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
