/** The arithmetic a question asks for, one tool call per step. */

export type Operation = "add" | "subtract" | "multiply" | "divide" | "power";

export const OPERATION_SYMBOL: Record<Operation, string> = {
  add: "+",
  subtract: "-",
  multiply: "×",
  divide: "÷",
  power: "^",
};

/** A literal number (with its digits as written, when a number cannot hold them all), or the result of an earlier step. */
export type Operand = { value: number; text?: string } | { step: number };

export interface PlanStep {
  op: Operation;
  operands: [Operand, Operand];
}

/** How the final answer is phrased once every step has a result. */
export type AnswerShape =
  | { kind: "expression" }
  | { kind: "conversion"; count: number; from: string; to: string }
  | { kind: "quantity"; noun?: string };

export interface ArithmeticPlan {
  steps: PlanStep[];
  /** The cues that decided the plan, for the route's reason. */
  cues: string[];
  answer: AnswerShape;
}

/** The question needs arithmetic but lacks an operand ("add 5"). */
export interface MissingOperand {
  op: Operation;
  given: number[];
  cues: string[];
}

const PRECEDENCE: Record<Operation, number> = { add: 1, subtract: 1, multiply: 2, divide: 2, power: 3 };

/** "7 × 5 = 35": step `index` with the results known so far put in for earlier steps. */
export function stepText(plan: ArithmeticPlan, index: number, results: readonly string[]): string {
  const step = plan.steps[index]!;
  const [a, b] = step.operands.map((operand) => ("value" in operand ? String(operand.value) : (results[operand.step] ?? "?")));
  const result = results[index];
  return `${a} ${OPERATION_SYMBOL[step.op]} ${b}${result === undefined ? "" : ` = ${result}`}`;
}

/** "(3 + 4) × 5": the whole plan as one expression, for answers and reasons. */
export function planExpression(plan: ArithmeticPlan): string {
  const rendered: string[] = [];
  for (const step of plan.steps) {
    const parts = step.operands.map((operand) => {
      if ("value" in operand) return String(operand.value);
      const inner = plan.steps[operand.step];
      const text = rendered[operand.step] ?? "?";
      if (!inner) return text;
      const bare = PRECEDENCE[inner.op] > PRECEDENCE[step.op] || inner.op === step.op;
      return bare ? text : `(${text})`;
    });
    rendered.push(`${parts[0]} ${OPERATION_SYMBOL[step.op]} ${parts[1]}`);
  }
  return rendered.at(-1) ?? "";
}
