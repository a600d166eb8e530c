import { isKindOf } from "./facts.js";
import type { Quantity, RateReader, Target } from "./quantities.js";
import { family, isWord, LENGTH, MONEY, sameNoun, TIME, WEIGHT } from "./vocabulary.js";

/** How well the story's quantities fit the question, shared by every reading. */

/** Lists of three or more words or names joined by commas and "and", with where they end. */
export function lists(r: RateReader): Array<{ count: number; end: number; sentence: number }> {
  const found: Array<{ count: number; end: number; sentence: number }> = [];
  let items = 0;
  let itemWords = 0;
  let sawAnd = false;
  let afterComma = false;
  for (let i = 0; i <= r.tokens.length; i++) {
    const t = r.tokens[i];
    const w = t?.lower ?? ".";
    if (t && isWord(t) && !r.numberAt.has(i) && w !== "and" && w !== "or" && !/^(?:the|a|an)$/.test(w) && itemWords < 2) {
      if (itemWords === 0) items++;
      itemWords++;
      afterComma = false;
      continue;
    }
    if (w === "," && itemWords > 0) {
      itemWords = 0;
      afterComma = true;
      continue;
    }
    if ((w === "and" || w === "or") && (itemWords > 0 || afterComma) && items >= 2 && !sawAnd) {
      sawAnd = true;
      itemWords = 0;
      afterComma = false;
      continue;
    }
    afterComma = false;
    if (sawAnd && items >= 3 && itemWords > 0) found.push({ count: items, end: i, sentence: r.sentenceOf[i - 1] ?? 0 });
    items = 0;
    itemWords = 0;
    sawAnd = false;
    if (t && isWord(t) && !r.numberAt.has(i) && w !== "and" && w !== "or" && !/^(?:the|a|an)$/.test(w)) {
      items = 1;
      itemWords = 1;
    }
  }
  return found;
}

/** How well a quantity fits what the question counts: its noun, kind and adjectives. */
export function relevance(r: RateReader, q: Quantity): number {
  const target = r.target;
  const head = q.head;
  if (!head) return 0;
  let score = 0;
  const nouns = [target.head, target.ofNoun].filter((x): x is string => Boolean(x));
  if (nouns.some((t) => sameNoun(head, t)) || (q.ofNoun && nouns.some((t) => sameNoun(q.ofNoun, t)))) score += 2;
  else if (nouns.some((t) => isKindOf(head, t) || (q.ofNoun !== undefined && isKindOf(q.ofNoun, t)))) score += 2;
  else if (target.kind === "money" && (q.money || MONEY.has(head))) score += 2;
  else if (target.kind === "time" && TIME.has(head)) score += 2;
  else if ((target.kind === "distance" || target.kind === "length") && LENGTH.has(head)) score += 2;
  else if (target.kind === "weight" && WEIGHT.has(head)) score += 2;
  else if (target.kind === "age" && head === "year") score += 2;
  else if (nouns.length > 0 && !q.inherited) score -= 2;
  else if (target.kind && family(head) && family(head) !== KIND_FAMILY[target.kind]) score -= 2;
  if (target.ofNoun && q.ofNoun && !sameNoun(target.ofNoun, q.ofNoun) && !isKindOf(q.ofNoun, target.ofNoun)) score -= 2;
  if (target.modifiers.length > 0) {
    const own = [...q.modifiers, ...q.ofModifiers];
    const shared = own.filter((m) => target.modifiers.includes(m)).length;
    if (shared > 0) score += shared;
    else if (own.length > 0) score -= 2;
  }
  return Math.max(-3, Math.min(3, score));
}

/** The question's other words (a day, an activity) found near the quantity. */
export function context(r: RateReader, q: Quantity): number {
  let score = 0;
  for (const word of r.target.context) {
    const weight = r.target.contextWeight.get(word) ?? 1;
    if (q.clause.has(word)) score += weight;
    else if (q.sentenceWords.has(word)) score += weight / 2;
  }
  return Math.min(3, score);
}

const KIND_FAMILY: Record<NonNullable<Target["kind"]>, string | undefined> = {
  money: "money",
  time: "time",
  distance: "length",
  length: "length",
  age: "time",
  area: "length",
  perimeter: "length",
  weight: "weight",
};
