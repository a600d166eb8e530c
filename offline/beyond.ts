import { BEYOND, hasPhrase } from "./lexicon.js";
import type { Operation } from "./plan.js";
import type { Token } from "./text.js";
import { stem } from "./vocabulary.js";

/**
 * Mathematics that adding and multiplying cannot do, read from the words of a word problem:
 * sharing out (a division: a sharing verb with "among", "equally", or a question for "each"), and
 * geometry, percentages, averages and the like. Such a problem gets no call rather than a wrong one.
 */
export function beyondAddAndMultiply(tokens: readonly Token[]): { op?: Operation; cue: string } | undefined {
  const padded = ` ${tokens.map((t) => t.lower).join(" ")} `;
  const other = BEYOND.other.find((phrase) => hasPhrase(padded, phrase));
  if (other) return { cue: other };
  const words = tokens.map((t) => t.lower);
  const verb = words.find((w) => BEYOND.divideVerbs.has(w));
  if (verb && words.some((w) => BEYOND.dividePartners.has(w))) return { op: "divide", cue: verb };
  const anywhere = BEYOND.divideAnywhere.find((phrase) => hasPhrase(padded, phrase));
  if (anywhere) return { op: "divide", cue: anywhere };
  const question = ` ${lastSentence(tokens).join(" ")} `;
  const ask = BEYOND.divideAsks.find((phrase) => hasPhrase(question, phrase));
  return ask ? { op: "divide", cue: ask } : undefined;
}

/** The words of the last sentence, where a word problem asks its question. */
function lastSentence(tokens: readonly Token[]): string[] {
  const words = tokens.map((t) => t.lower);
  const end = words.at(-1) === "?" || words.at(-1) === "." ? words.length - 1 : words.length;
  const start = words.slice(0, end).findLastIndex((w) => w === "." || w === "?" || w === "!") + 1;
  return words.slice(start, end);
}

/**
 * Words before a quantity that take it away ("gives away 5"), so a forward question needs a
 * subtraction; unless the question asks about that very act (what was eaten, sold, spent).
 */
export function takesAway(words: readonly string[], ask: readonly string[]): boolean {
  const padded = ` ${words.join(" ")} `;
  const asked = new Set(ask.map(stem));
  return BEYOND.takeaway.some((phrase) => hasPhrase(padded, phrase) && !phrase.split(" ").some((w) => asked.has(stem(w))));
}

/** The question asks what there was at the start, which adding gives back. */
export function asksForStart(words: readonly string[]): boolean {
  const padded = ` ${words.join(" ")} `;
  return BEYOND.start.some((phrase) => hasPhrase(padded, phrase));
}
