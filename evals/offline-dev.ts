/**
 * Quick routing check of the offline model against a JSONL dataset in the eval format, without
 * servers: the three project tools are described as the servers list them, tool calls are answered
 * by exact local arithmetic and a weather stub, and the route loop runs the way the graph runs it.
 *
 *   npx tsx evals/offline-dev.ts [dataset.jsonl] [--failures[=category]]
 *
 * Prints, per category: first-call accuracy (the eval's call accuracy), whole-plan accuracy where
 * `expectedCalls` is given, answer accuracy where `answer` is given, and routing time per route.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { ToolInfo } from "../adapters/index.js";
import { buildRouteSchema, parseRouteOutput, type RouteOutput } from "../graph/index.js";
import { explainWordProblem, OfflineRouterModel } from "../offline/index.js";
import { projectTools } from "../test/support/project-tools.js";

/** The project's tools as `tools/list` describes them. */
export const PROJECT_TOOLS: ToolInfo[] = await projectTools();

interface ExpectedCall {
  server?: string;
  tool: string;
  args: Record<string, unknown>;
}

interface Item {
  id: string;
  category?: string;
  question: string;
  expected: ExpectedCall | ExpectedCall[] | null;
  expectedCalls?: Array<ExpectedCall | ExpectedCall[]>;
  answer?: string | number;
}

interface Call {
  server: string;
  tool: string;
  args: Record<string, unknown>;
}

const MAX_STEPS = 5;

function execute(call: Call): string {
  const { a, b, city } = call.args as { a?: number; b?: number; city?: string };
  if (call.tool === "add") return (BigInt(a ?? 0) + BigInt(b ?? 0)).toString();
  if (call.tool === "multiply") return (BigInt(a ?? 0) * BigInt(b ?? 0)).toString();
  return `Simulated weather for ${city}: sunny, 21 °C, humidity 40%, wind 10 km/h.`;
}

function matches(call: Call | undefined, expected: ExpectedCall | ExpectedCall[] | null): boolean {
  if (expected === null) return call === undefined;
  if (!call) return false;
  return (Array.isArray(expected) ? expected : [expected]).some(
    (e) =>
      e.tool === call.tool &&
      (e.server === undefined || e.server === call.server) &&
      Object.entries(e.args).every(([key, value]) => {
        const got = call.args[key];
        if (typeof value === "string") return typeof got === "string" && got.trim().toLowerCase() === value.trim().toLowerCase();
        return got === value;
      }),
  );
}

/** Runs one question through route → call → route … as the graph does; returns the calls and the answer. */
export async function runQuestion(
  question: string,
  tools: ToolInfo[] = PROJECT_TOOLS,
): Promise<{ calls: Call[]; answer: string; routes: RouteOutput[]; routeMs: number[] }> {
  const router = new OfflineRouterModel().withStructuredOutput(buildRouteSchema(tools), { name: "route" });
  const messages: BaseMessage[] = [new SystemMessage("route"), new HumanMessage(question)];
  const calls: Call[] = [];
  const routes: RouteOutput[] = [];
  const routeMs: number[] = [];
  for (let step = 0; step <= MAX_STEPS; step++) {
    const started = performance.now();
    const parsed = parseRouteOutput(await router.invoke(messages), tools);
    routeMs.push(performance.now() - started);
    if (!parsed.ok) return { calls, answer: `invalid route: ${parsed.error}`, routes, routeMs };
    routes.push(parsed.value);
    const decision = parsed.value.decision;
    if (decision.action === "answer") return { calls, answer: decision.answer, routes, routeMs };
    if (decision.action === "ask") return { calls, answer: decision.question, routes, routeMs };
    const tool = tools.find((t) => t.bridgedName === decision.tool)!;
    const call = { server: tool.server, tool: tool.name, args: decision.args };
    calls.push(call);
    const id = `call_${step}`;
    messages.push(
      new AIMessage({ content: "", tool_calls: [{ id, name: decision.tool, args: decision.args }] }),
      new ToolMessage({ tool_call_id: id, name: decision.tool, content: execute(call), status: "success" }),
    );
  }
  return { calls, answer: "step limit", routes, routeMs };
}

interface Tally {
  n: number;
  call: number;
  planN: number;
  plan: number;
  answerN: number;
  answer: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const path = args.find((a) => !a.startsWith("--")) ?? "evals/datasets/sample.jsonl";
  const failuresFlag = args.find((a) => a.startsWith("--failures"));
  const showFailures = failuresFlag === undefined ? undefined : (failuresFlag.split("=")[1] ?? "");
  const items = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Item);

  const tallies = new Map<string, Tally>();
  const times: number[] = [];
  for (const item of items) {
    const category = item.category ?? "uncategorized";
    const tally = tallies.get(category) ?? { n: 0, call: 0, planN: 0, plan: 0, answerN: 0, answer: 0 };
    tallies.set(category, tally);
    const run = await runQuestion(item.question);
    times.push(...run.routeMs);
    tally.n++;
    const callOk = matches(run.calls[0], item.expected);
    if (callOk) tally.call++;
    let planOk = true;
    if (item.expectedCalls) {
      tally.planN++;
      planOk = run.calls.length === item.expectedCalls.length && item.expectedCalls.every((e, i) => matches(run.calls[i], e));
      if (planOk) tally.plan++;
    }
    let answerOk = true;
    if (item.answer !== undefined) {
      tally.answerN++;
      answerOk = run.answer.toLowerCase().includes(String(item.answer).toLowerCase());
      if (answerOk) tally.answer++;
    }
    const failed = !callOk || !planOk || !answerOk;
    if (failed && showFailures !== undefined && (showFailures === "" || showFailures === category)) {
      console.log(`✗ [${category}] ${item.question.slice(0, 300)}`);
      console.log(`    expected ${JSON.stringify(item.expected)}${item.answer !== undefined ? ` answer ${item.answer}` : ""}`);
      console.log(`    got      ${JSON.stringify(run.calls)} → ${run.answer.slice(0, 200)}`);
      console.log(`    reason   ${run.routes[0]?.reason ?? "-"}`);
      const readings = explainWordProblem(item.question).slice(0, 3);
      for (const c of readings) console.log(`    reading  ${c.op} ${c.cues.join(", ")} (score ${c.score})`);
    }
  }

  const percent = (ok: number, n: number) => (n === 0 ? "    -" : `${((100 * ok) / n).toFixed(1).padStart(5)}%`);
  console.log(`\n${"category".padEnd(18)} ${"n".padStart(4)}   call    plan  answer`);
  const total: Tally = { n: 0, call: 0, planN: 0, plan: 0, answerN: 0, answer: 0 };
  for (const [category, t] of tallies) {
    console.log(`${category.padEnd(18)} ${String(t.n).padStart(4)} ${percent(t.call, t.n)} ${percent(t.plan, t.planN)} ${percent(t.answer, t.answerN)}`);
    for (const key of Object.keys(total) as Array<keyof Tally>) total[key] += t[key];
  }
  console.log(`${"all".padEnd(18)} ${String(total.n).padStart(4)} ${percent(total.call, total.n)} ${percent(total.plan, total.planN)} ${percent(total.answer, total.answerN)}`);
  times.sort((x, y) => x - y);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3);
  console.log(`\nroute() through withStructuredOutput: ${times.length} routes, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
