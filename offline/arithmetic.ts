import { looksLikeWordProblem, type Analysis } from "./analysis.js";
import type { Catalog } from "./catalog.js";
import { NEEDS_DIVISION, readConversion } from "./conversion.js";
import { planExpression, type ArithmeticPlan, type MissingOperand } from "./plan.js";
import { needsMore, needsOperation, OPERATION_WORDS } from "./reply.js";
import type { Placed, Refusal, Task } from "./tasks.js";
import type { Token } from "./text.js";
import { beyondAddAndMultiply } from "./beyond.js";
import { solveWordProblem } from "./word-problem.js";

/**
 * Arithmetic as one spec: its slots (the operation and two operands per step) are filled by the
 * expression parser for arithmetic written as such, and else by the conversion and word-problem
 * readers. A step no tool can do is refused in words ("this needs a division").
 */
export function expressionTasks(analysis: Analysis, catalog: Catalog): Placed[] | Refusal {
  const tasks: Placed[] = [];
  for (const { at, result } of analysis.expressions) {
    if (result.kind === "plan") {
      const unsupported = result.plan.steps.find((step) => !catalog.byOperation.has(step.op));
      if (unsupported) return needsOperation(catalog, unsupported.op, planExpression(result.plan));
      tasks.push({ at, task: { kind: "arithmetic", plan: result.plan } });
    } else {
      const ask = askForOperand(result.missing, catalog);
      if ("text" in ask) return ask;
      tasks.push({ at, task: ask });
    }
  }
  return tasks;
}

/** A unit conversion or a word problem, when the question reads as one; `undefined` when it does not. */
export function wordProblemTask(analysis: Analysis, catalog: Catalog): Task | Refusal | undefined {
  const conversion = readConversion(analysis.tokens);
  if (conversion === NEEDS_DIVISION) return needsOperation(catalog, "divide");
  if (conversion) return arithmeticTask(conversion, catalog);
  if (!looksLikeWordProblem(analysis)) return undefined;
  const beyond = beyondAddAndMultiply(analysis.tokens);
  if (beyond) return beyond.op ? needsOperation(catalog, beyond.op) : needsMore(catalog, beyond.cue);
  if (analysis.tokens.some(untranslated)) return undefined;
  const solved = solveWordProblem(analysis.tokens);
  if (!solved) return undefined;
  return "needs" in solved ? needsOperation(catalog, solved.needs) : arithmeticTask(solved, catalog);
}

/**
 * A word of a script other than Latin that translation left as it was. The word-problem reader reads
 * English and would take it for the noun counted ("13 будетs") and miss what the story does with the
 * numbers ("съела" takes away), so a story with one is not read: a wrong sum is worse than none.
 */
function untranslated(token: Token): boolean {
  return token.kind === "word" && /(?!\p{Script=Latin})\p{L}/u.test(token.text);
}

/** A later step may need a tool that is missing; the first steps are still worth doing. */
function arithmeticTask(plan: ArithmeticPlan, catalog: Catalog): Task | Refusal {
  const stopAt = plan.steps.findIndex((step) => !catalog.byOperation.has(step.op));
  if (stopAt === 0) return needsOperation(catalog, plan.steps[0]!.op, planExpression(plan));
  return { kind: "arithmetic", plan, ...(stopAt > 0 ? { stopAt } : {}) };
}

function askForOperand(missing: MissingOperand, catalog: Catalog): Task | Refusal {
  if (!catalog.byOperation.has(missing.op)) return needsOperation(catalog, missing.op);
  const verb = OPERATION_WORDS[missing.op].verb;
  const given = missing.given.length > 0 ? ` I have ${missing.given.join(" and ")}; what is the other number?` : "";
  return {
    kind: "ask",
    question: `Which numbers should I ${verb}?${given}`,
    slot: { kind: "operand", op: missing.op, given: missing.given },
    reason: `"${missing.op}" needs two numbers; the question gives ${missing.given.length === 0 ? "none" : `only ${missing.given.join(", ")}`}`,
  };
}
