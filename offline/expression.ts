import type { ArithmeticPlan, MissingOperand, Operand, Operation, PlanStep } from "./plan.js";
import { symbolize, type Sym } from "./symbols.js";
import type { Token } from "./text.js";

/**
 * Arithmetic written out as such: symbols with parentheses, infix words in any language the
 * vocabulary files hold, commands with their operands, "the product of", chains with "then". Word
 * problems are another module's job.
 */

type Node = { kind: "num"; value: number; text?: string } | { kind: "ref" } | { kind: "bin"; op: Operation; left: Node; right: Node };

class Parser {
  private position = 0;
  constructor(private readonly syms: Sym[]) {}

  private peek(offset = 0): Sym | undefined {
    return this.syms[this.position + offset];
  }
  private accept(t: Sym["t"]): boolean {
    if (this.peek()?.t !== t) return false;
    this.position++;
    return true;
  }
  done(): boolean {
    return this.position >= this.syms.length;
  }

  /** clause (then clause)*; a later clause may continue from the earlier result ("then multiply by 5"). */
  chain(): Node[] {
    const clauses: Node[] = [];
    let previous: Node | undefined;
    while (!this.done()) {
      const clause = this.clause(previous);
      if (!clause) break;
      clauses.push(clause);
      previous = clause;
      while (this.accept("then") || this.accept("and")) {
        // separators between clauses
      }
    }
    return clauses;
  }

  private clause(previous: Node | undefined): Node | undefined {
    const sym = this.peek();
    if (!sym) return undefined;
    if (sym.t === "cmd") {
      this.position++;
      return this.command(sym.op, previous, false);
    }
    if (sym.t === "op" && previous) {
      // "..., then times 5"
      this.position++;
      const right = this.expression(previous);
      return right ? { kind: "bin", op: sym.op, left: previous, right } : undefined;
    }
    return this.expression(previous);
  }

  /**
   * "add 3 and 4", "multiply it by 5", "subtract 3 from 10"; with `listOnly` ("the sum of 3 and 4")
   * only "and" separates arguments, so "multiply the sum of 3 and 4 by 5" keeps its "by".
   */
  private command(op: Operation, previous: Node | undefined, listOnly: boolean): Node | undefined {
    const args: Node[] = [];
    let sawFrom = false;
    for (;;) {
      const sym = this.peek();
      if (sym?.t === "ref" && previous) {
        this.position++;
        args.push(previous);
      } else {
        const arg = this.expression(previous);
        if (arg) args.push(arg);
        // "multiply by 3", and "multiply times 3" (a local "by" read as the operator) continue from the result.
        else if (args.length === 0 && previous && (sym?.t === "by" || (sym?.t === "op" && sym.op === op))) args.push(previous);
        else break;
      }
      const next = this.peek();
      const after = this.peek(1);
      if (next?.t === "and" && (after?.t === "cmd" || after?.t === "then" || after?.t === "op")) break;
      if (this.accept("and") || next?.t === "num") continue;
      if (!listOnly && (this.accept("by") || this.acceptOp(op))) continue;
      if (!listOnly && this.accept("from")) {
        sawFrom = true;
        continue;
      }
      break;
    }
    if (args.length === 0) return undefined;
    // "then add 5" continues from the earlier result.
    if (args.length === 1 && previous && args[0] !== previous) args.unshift(previous);
    if (args.length === 1) return args[0]!.kind === "bin" ? args[0] : { kind: "bin", op, left: args[0]!, right: { kind: "ref" } };
    if (sawFrom && args.length === 2) return { kind: "bin", op, left: args[1]!, right: args[0]! };
    return args.slice(1).reduce<Node>((left, right) => ({ kind: "bin", op, left, right }), args[0]!);
  }

  private acceptOp(op: Operation): boolean {
    const sym = this.peek();
    if (sym?.t !== "op" || sym.op !== op) return false;
    this.position++;
    return true;
  }

  private expression(previous?: Node): Node | undefined {
    return this.binary(previous, ["add", "subtract"], () => this.term(previous));
  }

  private term(previous?: Node): Node | undefined {
    return this.binary(previous, ["multiply", "divide"], () => this.factor(previous));
  }

  private binary(_previous: Node | undefined, ops: Operation[], operand: () => Node | undefined): Node | undefined {
    let left = operand();
    if (!left) return undefined;
    for (;;) {
      const sym = this.peek();
      if (sym?.t !== "op" || !ops.includes(sym.op)) return left;
      this.position++;
      const right = operand();
      left = { kind: "bin", op: sym.op, left, right: right ?? { kind: "ref" } };
      if (!right) return left;
    }
  }

  private factor(previous?: Node): Node | undefined {
    let base = this.atom(previous);
    if (!base) return undefined;
    for (;;) {
      const sym = this.peek();
      if (sym?.t === "squared") {
        this.position++;
        base =
          sym.power === 2
            ? { kind: "bin", op: "multiply", left: base, right: base }
            : { kind: "bin", op: "power", left: base, right: { kind: "num", value: sym.power } };
      } else if (sym?.t === "op" && sym.op === "power") {
        this.position++;
        const exponent = this.atom(previous);
        if (!exponent) return base;
        base = { kind: "bin", op: "power", left: base, right: exponent };
      } else return base;
    }
  }

  private atom(previous?: Node): Node | undefined {
    const sym = this.peek();
    if (!sym) return undefined;
    if (sym.t === "num") {
      this.position++;
      return { kind: "num", value: sym.value, ...(sym.text ? { text: sym.text } : {}) };
    }
    const next = this.peek(1);
    if (sym.t === "op" && sym.op === "subtract" && next?.t === "num") {
      this.position += 2;
      return { kind: "num", value: -next.value };
    }
    if (sym.t === "lp") {
      const start = this.position++;
      const inner = this.expression(previous);
      if (!inner || !this.accept("rp")) {
        this.position = start;
        return undefined;
      }
      return inner;
    }
    if (sym.t === "of") {
      // "the sum of 3 and 4" inside a larger expression
      const start = this.position++;
      const inner = this.command(sym.op, undefined, true);
      if (!inner) this.position = start;
      return inner;
    }
    if (sym.t === "ref" && previous) {
      this.position++;
      return previous;
    }
    return undefined;
  }
}

export type ExpressionResult = { kind: "plan"; plan: ArithmeticPlan } | { kind: "missing"; missing: MissingOperand } | undefined;

/**
 * Reads a question that is only arithmetic. Returns a plan, a missing operand ("add 5"), or
 * undefined when the question is something else (a word problem, or no arithmetic at all).
 */
export function parseExpression(tokens: readonly Token[]): ExpressionResult {
  const all = symbolize(tokens);
  if (!all) return undefined;
  // "And what is …" opens with the word that joined it to the question before.
  const syms = all.slice(all.findIndex((s) => s.t !== "and"));
  const operators = syms.filter((s) => s.t === "op" || s.t === "cmd" || s.t === "of" || s.t === "squared");
  if (operators.length === 0) return undefined;
  const numbers = syms.filter((s): s is { t: "num"; value: number } => s.t === "num").map((s) => s.value);

  const parser = new Parser(syms);
  const clauses = parser.chain();
  const root = clauses.at(-1);
  const firstOp = (operators[0] as { op?: Operation }).op ?? "multiply";
  // Arithmetic words with an operand short ("add 13 to", "13 times?") ask for it; anything else that
  // does not parse is not written-out arithmetic.
  if (!root || !parser.done() || containsRef(root) || root.kind !== "bin") {
    return numbers.length < 2 ? { kind: "missing", missing: { op: firstOp, given: numbers, cues: describeCues(syms) } } : undefined;
  }
  const steps: PlanStep[] = [];
  lower(root, steps, new Map());
  return { kind: "plan", plan: { steps, cues: describeCues(syms), answer: { kind: "expression" } } };
}

function containsRef(node: Node): boolean {
  if (node.kind === "ref") return true;
  if (node.kind === "num") return false;
  return containsRef(node.left) || containsRef(node.right);
}

/** Post-order: each operation becomes a step; a shared sub-expression is computed once. */
function lower(node: Node, steps: PlanStep[], seen: Map<Node, number>): Operand {
  if (node.kind === "num") return { value: node.value, ...(node.text ? { text: node.text } : {}) };
  if (node.kind === "ref") return { value: Number.NaN };
  const known = seen.get(node);
  if (known !== undefined) return { step: known };
  const left = lower(node.left, steps, seen);
  const right = lower(node.right, steps, seen);
  steps.push({ op: node.op, operands: [left, right] });
  seen.set(node, steps.length - 1);
  return { step: steps.length - 1 };
}

function describeCues(syms: Sym[]): string[] {
  const cues: string[] = [];
  for (const sym of syms) {
    if (sym.t === "op" || sym.t === "cmd" || sym.t === "of") cues.push(sym.op);
    if (sym.t === "then") cues.push("then");
    if (sym.t === "lp") cues.push("parentheses");
  }
  return [...new Set(cues)];
}
