import { canonicalUnit, conversionFactor, conversionPath, isUnit } from "./facts.js";
import { CONVERSION_WORDS } from "./lexicon.js";
import { findNumbers } from "./numbers.js";
import type { ArithmeticPlan } from "./plan.js";
import { singular, type Token } from "./text.js";

/** A conversion the tools cannot do by multiplying: from a small unit to a larger one. */
export const NEEDS_DIVISION = "divide";

/**
 * A unit conversion: two units, one of them counted (a number, "a", "one", "per" before it) and
 * the other asked for, and no word but those conversions use ("how many", "convert", "in"). It
 * multiplies by the units' factor; one unit goes through the unit between when there is one (a day
 * is 24 × 3,600 seconds), so the tool does the arithmetic. From a small unit to a larger one is a
 * division, which it reports.
 */
export function readConversion(tokens: readonly Token[]): ArithmeticPlan | typeof NEEDS_DIVISION | undefined {
  const numbers = findNumbers(tokens);
  if (numbers.length > 1 || numbers.some((n) => n.kind !== "cardinal")) return undefined;
  const units = tokens.flatMap((t, i) => (t.kind === "word" && isUnit(unitOf(t)) ? [{ i, unit: unitOf(t) }] : []));
  const distinct = [...new Set(units.map((u) => u.unit))];
  if (distinct.length !== 2) return undefined;
  const inNumber = (i: number) => numbers.some((n) => i >= n.start && i < n.end);
  const other = tokens.some((t, i) => t.kind === "word" && !inNumber(i) && !units.some((u) => u.i === i) && !CONVERSION_WORDS.has(t.lower));
  if (other) return undefined;
  const count = (i: number) => numbers.find((n) => n.end === i) ?? (/^(?:a|an|one|per|each|every)$/.test(tokens[i - 1]?.lower ?? "") ? { value: 1 } : undefined);
  const counted = [...new Set(units.filter((u) => count(u.i)).map((u) => u.unit))];
  if (counted.length !== 1) return undefined;
  const source = counted[0]!;
  const target = distinct.find((u) => u !== source)!;
  const factor = conversionFactor(source, target);
  if (factor === undefined) return conversionFactor(target, source) === undefined ? undefined : NEEDS_DIVISION;
  const value = count(units.find((u) => u.unit === source)!.i)!.value;
  const answer = { kind: "conversion" as const, count: value, from: source, to: target };
  const cues = [`1 ${source} = ${factor} ${target}s`];
  const via = value === 1 ? conversionPath(source, target) : undefined;
  const operands: [{ value: number }, { value: number }] = via ? [{ value: via[0] }, { value: via[1] }] : [{ value }, { value: factor }];
  return { steps: [{ op: "multiply", operands }], cues, answer };
}

function unitOf(token: Pick<Token, "lower">): string {
  return canonicalUnit(singular(token.lower));
}
