import type { Catalog, ToolProfile } from "./catalog.js";
import { planExpression, stepText, type ArithmeticPlan } from "./plan.js";
import { OPERATION_WORDS } from "./reply.js";
import type { Task } from "./tasks.js";
import { pluralize } from "./text.js";

/** A completed tool call the model can see: what was called and what came back. */
export interface Observation {
  tool: string;
  args: Record<string, unknown>;
  result: string;
  isError: boolean;
}

/** What to do next: a call (with its arguments, or an arithmetic step's two operands), a question back, or the answer. */
export type Step =
  | { kind: "call"; tool: ToolProfile; args: Record<string, unknown>; reason: string }
  | { kind: "operands"; tool: ToolProfile; values: [number, number]; reason: string }
  | { kind: "ask"; question: string; reason: string }
  | { kind: "answer"; text: string; reason: string };

/**
 * Walks the tasks in order and returns the first call not made yet, or the answer from every
 * result. A call is found among the calls made by what it is (the tool and its arguments), not by
 * its position, so calls made in another order, or a call the plan does not know, change nothing.
 */
export function nextStep(tasks: readonly Task[], observations: readonly Observation[], catalog: Catalog): Step {
  const used = new Set<number>();
  const take = (tool: string, matches: (args: Record<string, unknown>) => boolean): Observation | undefined => {
    const index = observations.findIndex((o, i) => !used.has(i) && !o.isError && o.tool === tool && matches(o.args));
    if (index === -1) return undefined;
    used.add(index);
    return observations[index];
  };
  const answers: string[] = [];
  const reports = new Map<string, string>();
  for (const task of tasks) {
    if (task.kind === "ask") return { kind: "ask", question: task.question, reason: task.reason };
    if (task.kind === "explain" || task.kind === "compare") {
      const text = task.kind === "explain" ? task.text : comparison(task, reports);
      if (text) answers.push(text);
      continue;
    }
    if (task.kind === "call") {
      const seen = take(task.tool.name, (args) => sameArgs(task.args, args));
      if (!seen) return { kind: "call", tool: task.tool, args: task.args, reason: task.reason };
      answers.push(seen.result.trim() || "The tool returned no text.");
      if (task.place !== undefined) reports.set(task.place, seen.result);
      continue;
    }
    const { plan } = task;
    const runnable = task.stopAt ?? plan.steps.length;
    const results: string[] = [];
    for (let index = 0; index < runnable; index++) {
      const tool = catalog.byOperation.get(plan.steps[index]!.op)!;
      const values = operandValues(plan, index, results);
      if (typeof values === "string") return { kind: "answer", text: values, reason: "an operand cannot be passed on exactly" };
      const seen = take(tool.name, (args) => sameOperands(args, values));
      if (!seen) return operandStep(plan, index, values, tool);
      results.push(seen.result.trim());
    }
    answers.push(runnable < plan.steps.length ? partialAnswer(plan, results, runnable) : phraseAnswer(plan, results));
  }
  return { kind: "answer", text: answers.join(" "), reason: `all ${used.size} call${used.size === 1 ? "" : "s"} done; answering from the results` };
}

/** "Oslo is colder than Cairo (4 °C against 30 °C).", from the temperatures the reports give. */
function comparison(task: Extract<Task, { kind: "compare" }>, reports: ReadonlyMap<string, string>): string | undefined {
  const readings = task.places.map((place) => ({ place, match: /(-?\d+(?:\.\d+)?)\s*°\s*([CF])/.exec(reports.get(place) ?? "") }));
  if (readings.some((r) => !r.match) || new Set(readings.map((r) => r.match![2])).size > 1) return undefined;
  const unit = ` °${readings[0]!.match![2]}`;
  const sorted = readings.map((r) => ({ place: r.place, degrees: Number(r.match![1]) })).sort((x, y) => (task.higher ? y.degrees - x.degrees : x.degrees - y.degrees));
  const [first, ...rest] = sorted;
  const all = sorted.map((r) => `${r.degrees}${unit}`).join(" against ");
  if (rest.every((r) => r.degrees === first!.degrees)) return `${task.places.join(" and ")} report the same temperature (${first!.degrees}${unit}).`;
  return `${first!.place} is ${task.word} than ${rest.map((r) => r.place).join(" and ")} (${all}).`;
}

/** The two operands of step `index`, or why they cannot be passed to a tool exactly. */
function operandValues(plan: ArithmeticPlan, index: number, results: readonly string[]): [number, number] | string {
  const step = plan.steps[index]!;
  const values: number[] = [];
  for (const operand of step.operands) {
    const written = "value" in operand ? (operand.text ?? String(operand.value)) : results[operand.step]!;
    const value = "value" in operand ? operand.value : Number(written);
    if (!Number.isFinite(value)) return `I could not continue: an earlier step returned "${written}", which is not a number.`;
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return `${written} is too large for the tools to take exactly: they take whole numbers up to ${Number.MAX_SAFE_INTEGER} (2^53 − 1).`;
    }
    values.push(value);
  }
  return values as [number, number];
}

function operandStep(plan: ArithmeticPlan, index: number, values: [number, number], tool: ToolProfile): Step {
  const op = plan.steps[index]!.op;
  const numeric = tool.params.filter((p) => p.role === "number");
  const integerOnly = numeric.length > 0 && numeric.every((p) => p.types.includes("integer") && !p.types.includes("number"));
  const fraction = values.find((v) => !Number.isInteger(v));
  if (integerOnly && fraction !== undefined) {
    return { kind: "answer", text: `I can only ${OPERATION_WORDS[op].verb} whole numbers, and this needs ${fraction}.`, reason: `${tool.name} takes whole numbers and the question needs ${fraction}` };
  }
  const note = plan.steps.length > 1 ? ` (step ${index + 1} of ${plan.steps.length}: ${planExpression(plan)})` : "";
  return { kind: "operands", tool, values, reason: `${plan.cues.join(", ")} → ${op} ${values[0]} and ${values[1]}${note}` };
}

/** Every argument the plan gives has the value the call had (the call may add nulls for unused ones). */
function sameArgs(planned: Record<string, unknown>, made: Record<string, unknown>): boolean {
  return Object.entries(planned).every(([key, value]) => value === null || JSON.stringify(made[key]) === JSON.stringify(value));
}

/** The call's numbers (its numeric arguments, or a number list) are the step's two operands, in any order. */
function sameOperands(args: Record<string, unknown>, values: readonly number[]): boolean {
  const numbers = Object.values(args).flatMap((v) => (typeof v === "number" ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === "number") : []));
  const sorted = (list: readonly number[]) => [...list].sort((x, y) => x - y).join(",");
  return sorted(numbers) === sorted(values);
}

function phraseAnswer(plan: ArithmeticPlan, results: string[]): string {
  const final = results.at(-1) ?? "";
  const shape = plan.answer;
  if (shape.kind === "conversion" && plan.steps.length === 1) return `${amountOf(shape.count, shape.from)} ${shape.count === 1 ? "has" : "have"} ${final} ${pluralize(shape.to, 2)}.`;
  const steps = plan.steps.map((_, i) => stepText(plan, i, results));
  const working = plan.steps.length > 1 ? `${planExpression(plan)}: ${steps.join(", then ")}` : steps[0]!;
  if (shape.kind === "conversion") return `${amountOf(shape.count, shape.from)} ${shape.count === 1 ? "has" : "have"} ${final} ${pluralize(shape.to, 2)} (${working}).`;
  if (shape.kind === "quantity" && shape.noun) return `The answer is ${final} ${pluralize(shape.noun, 2)} (${working}).`;
  if (shape.kind === "quantity") return `The answer is ${final} (${working}).`;
  return plan.steps.length > 1 ? `${planExpression(plan)} = ${final} (${steps.join(", then ")}).` : `${steps[0]}.`;
}

/** "5 days", "A day", "An hour". */
function amountOf(count: number, unit: string): string {
  return count === 1 ? `${/^(?:[aeiou]|hour)/.test(unit) ? "An" : "A"} ${unit}` : `${count} ${pluralize(unit, count)}`;
}

/** The steps that ran, and the one no tool can do. */
function partialAnswer(plan: ArithmeticPlan, results: string[], stopAt: number): string {
  const done = plan.steps.slice(0, stopAt).map((_, i) => stepText(plan, i, results));
  const next = plan.steps[stopAt]!;
  return `${done.join(", then ")}. The next step, ${stepText(plan, stopAt, results)}, needs ${OPERATION_WORDS[next.op].need}, and none of the available tools can ${OPERATION_WORDS[next.op].verb}.`;
}
