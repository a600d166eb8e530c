import type { PhraseReader } from "./quantities.js";
import { ADJECTIVES, BASE_VERBS, GROUPS, isWord, noun, PAST_OR_OTHER_VERBS, RATE_VERBS, UNIT_STOP } from "./vocabulary.js";

/** The noun phrase after a number: modifiers, head and an "of" noun (N units of a thing). */
export function nounPhrase(
  r: PhraseReader,
  start: number,
  sentence: number,
): { head?: string; modifiers: string[]; ofNoun?: string; ofModifiers: string[]; end: number; more: boolean } {
  const tokens = r.tokens;
  // A hyphenated N-unit before a noun: the number counts the unit.
  if (tokens[start]?.text === "-" && tokens[start - 1]?.end === tokens[start]!.start && isWord(tokens[start + 1]) && tokens[start + 1]!.start === tokens[start]!.end) {
    return { head: noun(tokens[start + 1]!.lower), modifiers: [], ofModifiers: [], end: start + 2, more: false };
  }
  const words: string[] = [];
  let more = false;
  let k = start;
  while (k < tokens.length && r.sentenceOf[k] === sentence && words.length < 3 && !r.numberAt.has(k)) {
    const token = tokens[k]!;
    if (token.kind !== "word") {
      if (token.text === "-" && words.length > 0) {
        k++;
        continue;
      }
      break;
    }
    const w = token.lower;
    if (words.length === 0 && /^(?:more|additional|extra|other|different|fewer|less)$/.test(w)) {
      more ||= w !== "other" && w !== "different";
      k++;
      continue;
    }
    // An adjective that is also a stop word ("years old") when a noun follows it.
    const adjectiveBeforeNoun = ADJECTIVES.has(w) && isWord(tokens[k + 1]) && !UNIT_STOP.has(tokens[k + 1]!.lower);
    if ((UNIT_STOP.has(w) && !adjectiveBeforeNoun) || (words.length > 0 && (RATE_VERBS.has(w) || PAST_OR_OTHER_VERBS.has(w) || BASE_VERBS.has(w)))) break;
    // After a noun an "-ed"/"-ing" word is a verb; first, before the noun, an adjective.
    if (words.length > 0 && /(?:ed|ing|ly)$/.test(w) && !ADJECTIVES.has(w)) break;
    if (words.length === 0 && /(?:ed|ing)$/.test(w) && !ADJECTIVES.has(w) && (!isWord(tokens[k + 1]) || UNIT_STOP.has(tokens[k + 1]!.lower))) break;
    words.push(w);
    k++;
  }
  // N <amount> dollar bills: the count takes the noun of the denomination after it.
  if (words.length === 0 && r.numberAt.has(k)) {
    let m = k;
    while (r.numberAt.has(m)) m++;
    const denomination = nounPhrase(r, m, sentence);
    if (denomination.head === "bill") return { ...denomination, modifiers: [], end: k };
  }
  // A group word and "of N": N people.
  if (words.length === 0 && r.word(start - 2) === "of" && GROUPS.has(noun(r.word(start - 3)))) {
    return { head: "person", modifiers: [], ofModifiers: [], end: start, more };
  }
  // "N are X": the noun after the verb.
  if (words.length === 0 && /^(?:are|were)$/.test(r.word(k)) && isWord(tokens[k + 1]) && !UNIT_STOP.has(r.word(k + 1))) {
    return { head: noun(r.word(k + 1)), modifiers: [], ofModifiers: [], end: k + 2, more };
  }
  let ofNoun: string | undefined;
  let ofModifiers: string[] = [];
  let end = k;
  if (r.word(k) === "of" && r.sentenceOf[k + 1] === sentence) {
    let m = k + 1;
    // "of" with an amount or an article between it and the noun
    while (m < tokens.length && (/^(?:the|his|her|their|a|an|its|my|your|our|this|that|these|those|\$)$/.test(tokens[m]!.lower) || r.numberAt.has(m))) m++;
    const inner: string[] = [];
    while (isWord(tokens[m]) && !UNIT_STOP.has(tokens[m]!.lower) && inner.length < 3) inner.push(tokens[m++]!.lower);
    if (inner.length > 0) {
      ofNoun = noun(inner.at(-1)!);
      ofModifiers = inner.slice(0, -1).map(noun);
      end = m;
    }
  }
  // N dozen X: dozens of X.
  if ((words[0] === "dozen" || words[0] === "pair" || words[0] === "pairs") && words.length > 1) {
    return { head: noun(words[0]), modifiers: [], ofNoun: noun(words.at(-1)!), ofModifiers: words.slice(1, -1).map(noun), end, more };
  }
  const head = words.length > 0 ? noun(words.at(-1)!) : undefined;
  return { head, modifiers: words.slice(0, -1).map(noun), ofNoun, ofModifiers, end, more };
}

