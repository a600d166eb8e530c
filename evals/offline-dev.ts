/**
 * Quick routing check of the offline model against a JSONL dataset in the eval format, without
 * servers: the three project tools are described as the servers list them, tool calls are answered
 * by exact local arithmetic and a weather stub, and the route loop runs the way the graph runs it,
 * on a thread: a dialogue's turns follow one another, each ending with the final AI message.
 *
 *   npx tsx evals/offline-dev.ts [dataset.jsonl] [--failures[=category]]
 *
 * Prints, per category and (for dialogues) per turn: first-call accuracy (the eval's call accuracy),
 * whole-plan accuracy where `expectedCalls` is given, answer accuracy where `answer` is given, the
 * share of dialogues with every turn right, and routing time per route. Items are scored by
 * `score.ts`, as the eval scores them.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { ToolInfo } from "../adapters/index.js";
import { buildRouteSchema, parseRouteOutput, ROUTE_FEEDBACK_NAME, type RouteOutput } from "../graph/index.js";
import { OfflineRouterModel } from "../offline/index.js";
import { projectTools } from "../test/support/project-tools.js";
import { parseDataset, runGroups } from "./dataset.js";
import { percent } from "./report.js";
import { scoreItem, summarize, summarizeByCategory, summarizeByTurn, type ItemResult, type ObservedCall, type Summary } from "./score.js";

/** The project's tools as `tools/list` describes them. */
export const PROJECT_TOOLS: ToolInfo[] = await projectTools();

/** As the graph's defaults: tool calls per turn, and invalid routes retried with feedback. */
const MAX_STEPS = 5;
const MAX_ROUTE_RETRIES = 2;

function execute(call: Pick<ObservedCall, "tool" | "args">): string {
  const { a, b, city } = call.args as { a?: number; b?: number; city?: string };
  if (call.tool === "add") return (BigInt(a ?? 0) + BigInt(b ?? 0)).toString();
  if (call.tool === "multiply") return (BigInt(a ?? 0) * BigInt(b ?? 0)).toString();
  return `Simulated weather for ${city}: sunny, 21 °C, humidity 40%, wind 10 km/h.`;
}

export interface TurnRun {
  calls: ObservedCall[];
  answer: string;
  routes: RouteOutput[];
  routeMs: number[];
}

/**
 * Runs one user message as the next turn of `thread` (changed in place, as the graph's checkpoint
 * is): the message, route → call → route … with each call and result, then the final AI message.
 */
export async function runTurn(thread: BaseMessage[], message: string, tools: ToolInfo[] = PROJECT_TOOLS): Promise<TurnRun> {
  const router = new OfflineRouterModel().withStructuredOutput(buildRouteSchema(tools), { name: "route" });
  const run: TurnRun = { calls: [], answer: "", routes: [], routeMs: [] };
  const finish = (answer: string): TurnRun => {
    thread.push(new AIMessage(answer));
    return { ...run, answer };
  };
  thread.push(new HumanMessage(message));
  // Feedback on invalid routes goes to the model after the thread, for the rest of the turn, never into it.
  const feedback: BaseMessage[] = [];
  let invalid = 0;
  for (;;) {
    const started = performance.now();
    const parsed = parseRouteOutput(await router.invoke([new SystemMessage("route"), ...thread, ...feedback]), tools);
    run.routeMs.push(performance.now() - started);
    if (!parsed.ok) {
      if (++invalid > MAX_ROUTE_RETRIES) return finish(`invalid route: ${parsed.error}`);
      feedback.push(new HumanMessage({ content: `Your previous route was invalid: ${parsed.error}.`, name: ROUTE_FEEDBACK_NAME }));
      continue;
    }
    invalid = 0;
    run.routes.push(parsed.value);
    const decision = parsed.value.decision;
    if (decision.action === "answer") return finish(decision.answer);
    if (decision.action === "ask") return finish(decision.question);
    // As the graph: after the last step a call is refused, an answer still given.
    if (run.calls.length >= MAX_STEPS) return finish("step limit");
    const tool = tools.find((t) => t.bridgedName === decision.tool)!;
    const result = execute({ tool: tool.name, args: decision.args });
    run.calls.push({ server: tool.server, tool: tool.name, args: decision.args, isError: false, result });
    const id = `call_${thread.length}`;
    thread.push(
      new AIMessage({ content: "", tool_calls: [{ id, name: decision.tool, args: decision.args }] }),
      new ToolMessage({ tool_call_id: id, name: decision.tool, content: result, status: "success" }),
    );
  }
}

/** Runs one question on a thread of its own. */
export async function runQuestion(question: string, tools: ToolInfo[] = PROJECT_TOOLS): Promise<TurnRun> {
  return runTurn([], question, tools);
}

function table(rows: Array<[string, Summary]>, dialogues: boolean): string[] {
  const cell = (text: string, width: number) => text.padStart(width);
  const header = `${"".padEnd(18)} ${cell("n", 4)} ${cell("call", 6)} ${cell("plan", 6)} ${cell("answer", 6)}${dialogues ? ` ${cell("dialogues", 14)}` : ""}`;
  return [
    header,
    ...rows.map(([name, s]) => {
      const dialogue = s.dialogueTotal === 0 ? "-" : `${percent(s.dialogueAccuracy)} of ${s.dialogueTotal}`;
      const line = `${name.padEnd(18)} ${cell(String(s.total), 4)} ${cell(percent(s.callAccuracy), 6)} ${cell(percent(s.sequenceAccuracy), 6)} ${cell(percent(s.answerAccuracy), 6)}`;
      return dialogues ? `${line} ${cell(dialogue, 14)}` : line;
    }),
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const path = args.find((a) => !a.startsWith("--")) ?? "evals/datasets/sample.jsonl";
  const failuresFlag = args.find((a) => a.startsWith("--failures"));
  const showFailures = failuresFlag === undefined ? undefined : (failuresFlag.split("=")[1] ?? "");
  const items = parseDataset(readFileSync(path, "utf8"), path);

  const results: ItemResult[] = [];
  const times: number[] = [];
  for (const group of runGroups(items)) {
    const thread: BaseMessage[] = [];
    for (const item of group) {
      const started = performance.now();
      const run = await runTurn(thread, item.question);
      const outcome = { calls: run.calls, answer: run.answer, latencyMs: performance.now() - started };
      const score = scoreItem(item, outcome);
      results.push({ item, outcome, score });
      times.push(...run.routeMs);
      if (score.ok || showFailures === undefined || (showFailures !== "" && showFailures !== item.category)) continue;
      const earlier = group.filter((other) => other.dialogue && other.dialogue.turn < (item.dialogue?.turn ?? 0)).map((other) => other.question);
      console.log(`✗ [${item.category}] ${item.id}: ${item.question.slice(0, 300)}`);
      if (earlier.length > 0) console.log(`    after    ${earlier.map((q) => JSON.stringify(q)).join(" → ")}`);
      console.log(`    expected ${JSON.stringify(item.expected)}${item.answer !== undefined ? ` answer ${item.answer}` : ""}`);
      console.log(`    got      ${JSON.stringify(run.calls.map(({ server, tool, args }) => ({ server, tool, args })))} → ${run.answer.slice(0, 200)}`);
      for (const route of run.routes) console.log(`    reason   ${route.reason}`);
    }
  }

  const byTurn = Object.entries(summarizeByTurn(results));
  const dialogues = byTurn.length > 0;
  console.log("");
  for (const line of table([...Object.entries(summarizeByCategory(results)), ["all", summarize(results)]], dialogues)) console.log(line);
  if (dialogues) {
    console.log("");
    for (const line of table(byTurn, false)) console.log(line);
  }
  times.sort((x, y) => x - y);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3);
  console.log(`\nroute() through withStructuredOutput: ${times.length} routes, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
