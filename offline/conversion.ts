import { canonicalUnit, conversionFactor, conversionPath, isUnit } from "./facts.js";
import { findNumbers } from "./numbers.js";
import type { ArithmeticPlan } from "./plan.js";
import { singular, type Token } from "./text.js";

/** A conversion the tools cannot do by multiplying: from a small unit to a larger one. */
export const NEEDS_DIVISION = "divide";

/**
 * A unit conversion: "how many <unit> in <count> <unit>", "<count> <unit> to <unit>", with the
 * count a number, or one unit ("a", "an", "one", or none). It multiplies by the units' factor; one
 * unit goes through the unit between when there is one (a day is 24 × 3,600 seconds), so the tool
 * does the arithmetic. Only a question about nothing but the two units and the count reads as one.
 */
export function readConversion(tokens: readonly Token[]): ArithmeticPlan | typeof NEEDS_DIVISION | undefined {
  const units = tokens.flatMap((t, i) => (t.kind === "word" && isUnit(unitOf(t)) ? [{ i, unit: unitOf(t) }] : []));
  const distinct = [...new Set(units.map((u) => u.unit))];
  if (distinct.length !== 2) return undefined;
  const numbers = findNumbers(tokens);
  if (numbers.length > 1 || numbers.some((n) => n.kind !== "cardinal")) return undefined;
  const words = tokens.filter((t) => t.kind === "word").map((t) => t.lower);
  const many = words.findIndex((w, n) => w === "how" && /^(?:many|much)$/.test(words[n + 1] ?? ""));
  const target = many !== -1 ? unitOf({ lower: words[many + 2] ?? "" }) : unitAfter(tokens, units);
  if (!target || !distinct.includes(target) || (many === -1 && !/^(?:convert|change|turn|express|what|what's|whats|how)$/.test(words[0] ?? ""))) return undefined;
  const source = distinct.find((u) => u !== target)!;
  const factor = conversionFactor(source, target);
  if (factor === undefined) return conversionFactor(target, source) === undefined ? undefined : NEEDS_DIVISION;
  const sourceAt = units.find((u) => u.unit === source)!.i;
  const count = numbers.find((n) => n.end === sourceAt);
  if (numbers.length === 1 && !count) return undefined;
  const value = count?.value ?? 1;
  const answer = { kind: "conversion" as const, count: value, from: source, to: target };
  const cues = [`1 ${source} = ${factor} ${target}s`];
  if (count) return { steps: [{ op: "multiply", operands: [{ value }, { value: factor }] }], cues, answer };
  const via = conversionPath(source, target);
  const operands: [{ value: number }, { value: number }] = via ? [{ value: via[0] }, { value: via[1] }] : [{ value: 1 }, { value: factor }];
  return { steps: [{ op: "multiply", operands }], cues, answer };
}

function unitOf(token: Pick<Token, "lower">): string {
  return canonicalUnit(singular(token.lower));
}

/** The unit named after "to", "into" or "in" ("3 hours to minutes"). */
function unitAfter(tokens: readonly Token[], units: Array<{ i: number; unit: string }>): string | undefined {
  return units.find((u) => /^(?:to|into|in)$/.test(tokens[u.i - 1]?.lower ?? ""))?.unit;
}
