import { isUnit } from "./facts.js";
import { ARITHMETIC } from "./lexicon.js";
import { findNumbers } from "./numbers.js";
import type { Operation } from "./plan.js";
import type { Token } from "./text.js";
import { MONEY, noun } from "./vocabulary.js";

/** A token of written-out arithmetic, in any language the vocabulary files hold. */
export type Sym =
  | { t: "num"; value: number; text?: string }
  | { t: "op"; op: Operation }
  | { t: "cmd"; op: Operation }
  | { t: "of"; op: Operation }
  | { t: "lp" }
  | { t: "rp" }
  | { t: "and" }
  | { t: "by" }
  | { t: "from" }
  | { t: "then" }
  | { t: "ref" }
  | { t: "squared"; power: number };


const { infix: INFIX, commands: COMMANDS, participles: PARTICIPLES, and: AND, by: BY, from: FROM, then: THEN, ref: REF, of: OF, filler: FILLER } = ARITHMETIC;

/** The symbols of the tokens, or undefined when a word outside arithmetic talk is present. */
export function symbolize(tokens: readonly Token[]): Sym[] | undefined {
  const numbers = findNumbers(tokens);
  const byStart = new Map(numbers.map((n) => [n.start, n]));
  const syms: Sym[] = [];
  const units = new Set<string>();
  let i = 0;
  while (i < tokens.length) {
    const number = byStart.get(i);
    if (number) {
      // "add two numbers" names how many operands, not an operand.
      if (/^(?:numbers|values|integers)$/.test(tokens[number.end]?.lower ?? "")) {
        i = number.end + 1;
        continue;
      }
      if (number.kind === "ordinal" || number.kind === "half" || number.glued) return undefined;
      // "twice 7" reads as 2 × 7; "then double" at the end, as "double it": the verb's object is left out.
      if (number.kind === "multiplier") {
        syms.push({ t: "num", value: number.value }, { t: "op", op: "multiply" });
        if (tokens.slice(number.end).every((t) => t.kind === "punct")) syms.push({ t: "ref" });
      }
      else syms.push({ t: "num", value: number.value, ...(number.digits ? { text: number.digits } : {}) });
      i = number.end;
      // "20 dollars times 3": a unit after a number is the number's, as long as every number has the same one.
      const unit = tokens[i]?.kind === "word" ? noun(tokens[i]!.lower) : "";
      if (unit && (isUnit(unit) || MONEY.has(unit))) {
        units.add(unit);
        if (units.size > 1) return undefined;
        i++;
      }
      continue;
    }
    const token = tokens[i]!;
    const word = token.lower;
    const next = tokens[i + 1]?.lower;
    i++;
    if (token.kind === "date") return undefined;
    if (word === "(" || word === "[") syms.push({ t: "lp" });
    else if (word === ")" || word === "]") syms.push({ t: "rp" });
    else if (PARTICIPLES.has(word) && next && BY.has(next)) {
      syms.push({ t: "op", op: PARTICIPLES.get(word)! });
      i++;
    } else if (word === "to" && next === "the" && tokens[i + 1]?.lower === "power") {
      syms.push({ t: "op", op: "power" });
      i += 3;
    } else if (word === "*" && next === "*") {
      syms.push({ t: "op", op: "power" });
      i++;
    } else if (word === "squared" || word === "cubed") syms.push({ t: "squared", power: word === "squared" ? 2 : 3 });
    else if (INFIX.has(word)) syms.push({ t: "op", op: INFIX.get(word)! });
    else if (COMMANDS.has(word) && next !== undefined && OF.has(next)) {
      syms.push({ t: "of", op: COMMANDS.get(word)! });
      i++;
    } else if (COMMANDS.has(word)) syms.push({ t: "cmd", op: COMMANDS.get(word)! });
    else if (THEN.has(word)) syms.push({ t: "then" });
    else if (REF.has(word) && syms.some((s) => s.t === "num")) syms.push({ t: "ref" });
    else if (AND.has(word)) syms.push({ t: "and" });
    else if (BY.has(word)) syms.push({ t: "by" });
    else if (FROM.has(word)) syms.push({ t: "from" });
    else if (/^x\d+$/.test(word)) {
      // "3x4" tokenizes as 3 and "x4".
      syms.push({ t: "op", op: "multiply" }, { t: "num", value: Number(word.slice(1)) });
    } else if (!FILLER.has(word)) return undefined;
  }
  // "8 por 7", "6 by 7": with no command word, "by" between two numbers multiplies.
  if (!syms.some((sym) => sym.t === "cmd" || sym.t === "of")) {
    syms.forEach((sym, n) => {
      if (sym.t === "by" && syms[n - 1]?.t === "num" && syms[n + 1]?.t === "num") syms[n] = { t: "op", op: "multiply" };
    });
  }
  return syms;
}

