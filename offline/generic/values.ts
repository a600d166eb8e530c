import { escapeRegExp, singular, STOPWORDS } from "../text.js";
import { examplesNamed } from "./examples.js";
import type { Span } from "./spans.js";
import type { SlotSpec } from "./spec.js";
import { LANGUAGES, RANGE_END, RANGE_START, VERBS, stem } from "./words.js";

/**
 * Values read from the question's words rather than from one span of it: enum values and languages it
 * names, examples a description gives, the word that qualifies a slot's noun, booleans.
 */

/** Below this a span is not taken for an optional slot; a required one takes 3 and up. */
export const OPTIONAL_MIN = 4;
export const REQUIRED_MIN = 3;

/** Slot words that say nothing about which value is meant. */
export const VAGUE = new Set("include is use want show flag enable value type name number amount count take need help like know please".split(" "));

export interface Candidate {
  slot: SlotSpec;
  span?: Span;
  /** A second span the value takes in ("Boston" + "Massachusetts"). */
  also?: Span;
  value: unknown;
  score: number;
  why: string;
}

export function kindOf(slot: SlotSpec): "number" | "string" | "other" {
  if (slot.type === "integer" || slot.type === "number") return "number";
  return slot.type === "string" || slot.type === "unknown" ? "string" : "other";
}


/** An enum value the question names, or a language code for a language it names. */
export function choiceCandidates(slot: SlotSpec, text: string, words: Set<string>): Candidate[] {
  // A list slot takes the choices it names as a list (exampleCandidates).
  if (!slot.choices || slot.type === "array") return [];
  const found = slot.choices.filter((choice) => {
    const phrase = String(choice).replace(/[_-]+/g, " ");
    if (new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(phrase)}(?![\\p{L}\\p{N}])`, "iu").test(text.replace(/[_-]+/g, " "))) return true;
    const code = String(choice).toLowerCase().split(/[-_]/)[0];
    return slot.role === "language" || /^[a-z]{2}(?:[-_][A-Za-z]{2})?$/.test(String(choice))
      ? Object.entries(LANGUAGES).some(([language, iso]) => iso === code && words.has(language))
      : false;
  });
  // Two values named ("from English to French") are told apart by the slot's own words around them.
  if (found.length !== 1) return found.length > 1 && slot.role === "language" ? languagePair(slot, found, text) : [];
  return [{ slot, value: found[0], score: 8, why: `"${found[0]}" is one of its values` }];
}

function languagePair(slot: SlotSpec, found: Array<string | number>, text: string): Candidate[] {
  const lower = text.toLowerCase();
  const at = (choice: string | number) => {
    const code = String(choice).toLowerCase().split(/[-_]/)[0];
    const names = Object.entries(LANGUAGES).filter(([, iso]) => iso === code).map(([name]) => name);
    return Math.min(...names.map((name) => (lower.indexOf(name) === -1 ? Infinity : lower.indexOf(name))));
  };
  const ordered = [...found].sort((a, b) => at(a) - at(b));
  const source = slot.words.some((w) => RANGE_START.has(w) || w === "source");
  const target = slot.words.some((w) => RANGE_END.has(w) || w === "target");
  if (source === target || ordered.length !== 2) return [];
  const value = source ? ordered[0]! : ordered[1]!;
  return [{ slot, value, score: 7, why: `the ${source ? "first" : "second"} language named` }];
}

/** A value the slot's description gives as an example, named in the question; a list slot takes all it names. */
export function exampleCandidates(slot: SlotSpec, text: string, spans: Span[]): Candidate[] {
  // A list slot with closed choices takes every choice named, as a list slot with examples does.
  const examples = slot.examples ?? (slot.type === "array" ? slot.choices?.map(String) : undefined);
  if (!examples || !["plain", "name"].includes(slot.role)) return [];
  const named = examplesNamed(examples, text);
  const spanAt = (at: number) => spans.find((s) => s.start <= at && at < s.end);
  if (slot.type === "array" && slot.itemType === "string" && named.length > 0) return [{ slot, value: named.map((n) => n.example), score: 6, why: `the examples ${named.map((n) => `"${n.example}"`).join(", ")}` }];
  if (kindOf(slot) !== "string" || named.length !== 1) return [];
  const span = spanAt(named[0]!.at);
  return [{ slot, ...(span ? { span } : {}), value: named[0]!.example, score: 6, why: `"${named[0]!.example}", an example its description gives` }];
}

/** "theft crimes" for a crime type, "excellent condition" for a condition: the word that qualifies the slot's noun. */
export function modifierCandidates(slot: SlotSpec, text: string, cues: ReadonlyMap<string, number>): Candidate[] {
  const list = slot.type === "array" && slot.itemType === "string";
  if ((kindOf(slot) !== "string" && !list) || slot.choices || !["plain", "name"].includes(slot.role)) return [];
  const found: Candidate[] = [];
  for (const noun of slot.words.filter((w) => w.length > 3 && !VAGUE.has(w))) {
    // "green main colour": the slot's other words may stand between ("main"), and are no value.
    const others = slot.words.filter((w) => w !== noun && /^[a-z]{3,}$/.test(w));
    const between = others.length > 0 ? `(?:(?:${others.join("|")})\\s+)*` : "";
    for (const match of text.matchAll(new RegExp(`\\b([a-z]{3,})\\s+${between}${escapeRegExp(noun)}(?:e?s)?\\b`, "g"))) {
      const word = match[1]!;
      // A word of the tool's own name is part of the noun ("chord progression"), not its value.
      if (STOPWORDS.has(word) || VERBS.has(word) || slot.words.includes(word) || cues.has(singular(word)) || cues.has(stem(word)) || /^[a-z]{2,}(?:ing|ed|ly)$/.test(word)) continue;
      if (!found.some((c) => c.value === word || (Array.isArray(c.value) && c.value[0] === word))) found.push({ slot, value: list ? [word] : word, score: 5, why: `"${word}" before "${noun}"` });
    }
  }
  return found.length === 1 ? found : [];
}

/** A boolean is true when the question names what it switches on, false when it says "without". */
export function booleanCandidates(slot: SlotSpec, words: Set<string>): Candidate[] {
  if (slot.type !== "boolean") return [];
  const cue = slot.words.find((w) => !VAGUE.has(w) && w.length > 2 && words.has(w));
  if (!cue) return slot.required ? [{ slot, value: false, score: REQUIRED_MIN, why: "nothing asks for it" }] : [];
  const negated = ["without", "not", "no", "exclude", "excluding"].some((w) => words.has(w));
  return [{ slot, value: !negated, score: 6, why: `"${cue}" is asked for` }];
}

/**
 * "the freezing point of sea water", "a recipe for lemon tart": the lower-case noun phrase after one of the
 * tool's own name words and "of", "for" or "about" — the thing the tool is asked about.
 */
export function phraseAfterCue(slot: SlotSpec, text: string, nameWords: readonly string[]): Candidate | undefined {
  if (kindOf(slot) !== "string" || slot.choices || !["plain", "name"].includes(slot.role)) return undefined;
  const cues = new Set(nameWords.map((w) => stem(singular(w.toLowerCase()))));
  const found: string[] = [];
  for (const match of text.matchAll(/\b([a-z]+)\s+(?:of|for|about|on)\s+(?:the\s+|a\s+|an\s+)?((?:[a-z]+)(?:\s+(?:of\s+)?[a-z]+){0,3})/g)) {
    if (!cues.has(stem(singular(match[1]!)))) continue;
    const words: string[] = [];
    for (const word of match[2]!.split(/\s+/)) {
      if ((STOPWORDS.has(word) && word !== "of") || VERBS.has(word) || /^[a-z]{2,}ing$/.test(word) || cues.has(stem(singular(word)))) break;
      words.push(word);
    }
    while (words.at(-1) === "of") words.pop();
    if (words.length > 0) found.push(words.join(" "));
  }
  return found.length === 1 ? { slot, value: found[0], score: REQUIRED_MIN, why: `"${found[0]}", what the question asks about` } : undefined;
}

/**
 * "the report draft", "my list called errands": a name given right after the noun it names (one of the
 * tool's own name words), or after "called"/"named" — for a slot that holds a name, title or label.
 * Without "called"/"named" the name must end the clause, so a noun phrase that goes on is not cut.
 */
export function nameAfterNoun(slot: SlotSpec, text: string, nameWords: readonly string[]): Candidate | undefined {
  if (kindOf(slot) !== "string" || slot.choices || !["plain", "name"].includes(slot.role)) return undefined;
  if (!slot.words.some((w) => /^(?:name|title|label|key|tag)$/.test(w))) return undefined;
  const nouns = new Set(nameWords.map((w) => stem(singular(w.toLowerCase()))));
  const found = new Set<string>();
  for (const match of text.matchAll(/\b([A-Za-z]+)\s+(?:(called|named|titled)\s+)?([A-Za-z][\w-]*)/g)) {
    const [, noun, introduced, name] = match;
    if (!nouns.has(stem(singular(noun!.toLowerCase())))) continue;
    const lower = name!.toLowerCase();
    if (STOPWORDS.has(lower) || VERBS.has(lower) || nouns.has(stem(singular(lower)))) continue;
    const ends = /^(?:\s*(?:[.,;!?]|$)|\s+(?:and|then|please)\b)/.test(text.slice(match.index + match[0].length));
    if (introduced || ends) found.add(name!);
  }
  const [name] = found;
  return found.size === 1 ? { slot, value: name, score: REQUIRED_MIN, why: `"${name}", the name given after its noun` } : undefined;
}
