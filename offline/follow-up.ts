import type { Catalog } from "./catalog.js";
import type { Turn } from "./conversation.js";
import { FOLLOW_UP_WORDS, type FollowUpWords } from "./follow-up-words.js";
import { findNumbers, type NumberMention } from "./numbers.js";
import { extractPlaces } from "./places.js";
import { OPERATION_SYMBOL } from "./plan.js";
import { outlinePlan, type Slots } from "./router.js";
import { escapeRegExp, normalizeText, singular, STOPWORDS, tokenize, type Token } from "./text.js";

/**
 * Reads a message in the light of the turn before it: a reply to the question the graph asked, the
 * same question for another place or number, or arithmetic on the previous result. What comes out is
 * what the router routes: a question on its own, or an earlier question with a slot filled.
 */

/** What to route for a turn. */
export interface Resolution {
  /** The question, as the user wrote it or rebuilt from the earlier one. */
  question: string;
  /** Values the conversation supplies for it. */
  slots: Slots;
  /** How the message was read, for the route's reason; absent for a question on its own. */
  note?: string;
}

interface Previous {
  resolution: Resolution;
  turn: Turn;
  /** The latest numeric result: this turn's, or an earlier one's when this turn made no call. */
  result?: string;
}

/** A follow-up reduced to its value: places, or numbers with the noun they count. */
interface Value {
  places?: string[];
  /** The places are names the router knows on their own (a listed city, a nickname), not just capitalised words. */
  known: boolean;
  /** Each number as written ("7", "seven"), and the noun after the last one. */
  numbers?: { mentions: string[]; noun?: string };
  /** Only a time was left ("what about tomorrow?"), which the tools take no argument for. */
  timeOnly: boolean;
  /** An opener, an introducing word or a question mark marked it as a follow-up. */
  cued: boolean;
  /** Nothing but courtesy ("Danke!", "perfect, thank you"): it changes no subject. */
  empty: boolean;
}

const ALL = Object.values(FOLLOW_UP_WORDS);
const NO_SPACE_SCRIPT = /^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+$/u;
const byLength = (phrases: string[]) => [...new Set(phrases)].sort((a, b) => b.length - a.length);
/** Openers of a message that carry no content, withdrawals included ("never mind, …"). */
const OPENERS = byLength(ALL.flatMap((w) => [...w.leads, ...w.dismissals]));
const LEADS = byLength([...OPENERS, ...ALL.flatMap((w) => w.intros)]);
const TIMES = new Set(ALL.flatMap((w) => w.times));
/** Courtesy and times, which may close a follow-up as well as open it. */
const EXTRAS = byLength(ALL.flatMap((w) => [...w.courtesy, ...w.times]));
const PREFIXES = byLength(ALL.flatMap((w) => w.prefixes ?? []));
const OPENERS_AND_EXTRAS = [...OPENERS, ...EXTRAS];
const SUFFIXES = byLength(ALL.flatMap((w) => w.suffixes ?? []));
const INDEFINITES = wordPattern(ALL.flatMap((w) => w.indefinites));
const REWRITES = new Map<string, string>(ALL.flatMap((w) => [...w.anaphora.map((a) => [a, "it"] as const), ...Object.entries(w.rewrites)]));
/** Each language's guarded rewrites, and the words of its own that make a message that language's. */
const GUARDED = ALL.flatMap((words) => {
  const rewrites = new Map(Object.entries(words.guarded ?? {}));
  if (rewrites.size === 0) return [];
  const others = new Set(ALL.filter((w) => w !== words).flatMap(phrasesOf));
  const own = phrasesOf(words).filter((p) => !others.has(p) && !STOPWORDS.has(p));
  return [{ rewrites, own: wordPattern(own) }];
});
const REWRITE_PATTERN = wordPattern([...REWRITES.keys(), ...GUARDED.flatMap((g) => [...g.rewrites.keys()])], "g");
const LIST_WORDS = new Set(["and", "or", "y", "o", "und", "oder", "et", "ou", "e", "&"]);
const NAME_CONNECTORS = new Set(["de", "del", "da", "do", "dos", "das", "la", "le", "les", "el", "of", "upon", "sur", "am", "an", "der", "di", "du"]);
const EDGE_MARKS = /^[\s¿¡"'(,.;:!?-]+|[\s"'),.;:!?-]+$/gu;
const MAX_PLACE_WORDS = 6;
/** Turns read back at most, when no complete question starts the chain sooner. */
const MAX_CHAIN = 20;

function phrasesOf(w: FollowUpWords): string[] {
  return [...w.leads, ...w.intros, ...w.courtesy, ...w.times, ...w.dismissals, ...w.indefinites, ...w.anaphora, ...Object.keys(w.rewrites)];
}

/** Any of the phrases as whole words, in lower case. */
function wordPattern(phrases: string[], flags = ""): RegExp {
  const spaced = byLength(phrases.filter((p) => !NO_SPACE_SCRIPT.test(p))).map(escapeRegExp);
  // Scripts without spaces have no word edges to look for: "再翻倍" holds "翻倍".
  const unspaced = byLength(phrases.filter((p) => NO_SPACE_SCRIPT.test(p))).map(escapeRegExp);
  const alternatives = [...(spaced.length > 0 ? [`(?<![\\p{L}\\p{N}'-])(?:${spaced.join("|")})(?![\\p{L}\\p{N}'-])`] : []), ...unspaced];
  return new RegExp(alternatives.length > 0 ? alternatives.join("|") : "(?!)", `u${flags}`);
}

/**
 * What to route for the last turn of a thread. The first turn is read on its own; each later one
 * in the light of the one before, so a chain of follow-ups keeps its subject.
 */
export function resolveTurns(turns: readonly Turn[], catalog: Catalog): Resolution {
  // A chain of follow-ups begins at the last message that was a complete question on its own: the
  // turns before it change nothing, and a long thread is not read again in full at every step.
  let start = Math.max(0, turns.length - MAX_CHAIN);
  for (let i = turns.length - 2; i > start; i--) {
    if (outlinePlan(turns[i]!.message, catalog).complete) {
      start = i;
      break;
    }
  }
  const [first, ...later] = turns.slice(start);
  const opening = first ?? { message: "", observations: [] };
  let previous = after(undefined, { question: opening.message, slots: {} }, opening);
  let resolution = previous.resolution;
  for (const turn of later) {
    resolution = resolveFollowUp(turn.message, previous, catalog);
    // Courtesy between a question and its follow-up changes no subject: the next message reads the question.
    if (!readValue(turn.message).empty) previous = after(previous, resolution, turn);
  }
  return resolution;
}

/** What the next turn reads: this one, and the latest result, which a turn without calls leaves as it was. */
function after(previous: Previous | undefined, resolution: Resolution, turn: Turn): Previous {
  const result = turn.observations.length > 0 ? lastResult(turn) : previous?.result;
  return { resolution, turn, ...(result === undefined ? {} : { result }) };
}

function resolveFollowUp(message: string, previous: Previous, catalog: Catalog): Resolution {
  const standalone: Resolution = { question: message, slots: {} };
  const own = outlinePlan(message, catalog);
  if (own.complete) return standalone;
  // "And 4 times 9?", "Sorry, what's 2 plus 9?": a complete question behind an opener is new too.
  const core = withoutOpeners(message);
  if (core !== "" && outlinePlan(core, catalog).complete) return { question: core, slots: {}, note: "a question of its own after an opener" };

  const earlier = previous.resolution;
  const before = outlinePlan(earlier.question, catalog, earlier.slots);
  const value = readValue(message);
  const reply = previous.turn.reply?.trim();
  const asked = reply === undefined || /[?？]$/.test(reply);

  if (asked && before.asks?.kind === "place") {
    // A sentence that names the place is an answer too ("I'd like it for Denver").
    const text = normalizeText(message);
    const places = value.places ?? extractPlaces(text, tokenize(text), { loose: false });
    if (places.length > 0) return { question: earlier.question, slots: { ...earlier.slots, places }, note: `the reply gives the place asked for (${places.join(", ")})` };
  }
  if (asked && before.asks?.kind === "operand" && value.numbers) {
    const { op, given } = before.asks;
    const operands = [...given.map(String), ...value.numbers.mentions];
    return { question: operands.join(` ${OPERATION_SYMBOL[op]} `), slots: {}, note: `the reply gives the number asked for (${operands.join(", ")})` };
  }
  if (value.places && (value.cued || value.known)) {
    // The earlier question calls for a place with these ("And in Utrecht?", or "for Graz" after a bare question for the temperature).
    const slots = { ...earlier.slots, places: value.places };
    if (outlinePlan(earlier.question, catalog, slots).places.length > 0) return { question: earlier.question, slots, note: `the same question for ${value.places.join(", ")}` };
  }
  if (before.places.length > 0 && value.timeOnly) return { ...earlier, note: "the same question again, for another time" };
  const result = previous.result;
  if (result !== undefined && !INDEFINITES.test(normalizeText(message).toLowerCase())) {
    const arithmetic = rewriteArithmetic(message);
    if (outlinePlan(arithmetic, catalog).missingOperand) {
      return { question: `${result}, then ${arithmetic}`, slots: {}, note: `arithmetic on the previous result (${result})` };
    }
  }
  if (value.numbers && before.complete) {
    const replaced = replaceNumbers(earlier.question, value.numbers);
    if (replaced) return { question: replaced, slots: earlier.slots, note: "the same question with another number" };
  }
  if (own.asks?.kind === "place" && before.places.length > 0) {
    return { question: message, slots: { places: before.places }, note: `the place of the previous question (${before.places.join(", ")})` };
  }
  return standalone;
}

/** The message without openers, introductions, courtesy and edge punctuation: "And in Berlin, please?" → "Berlin". */
function stripCues(message: string): { rest: string; cued: boolean; time: boolean } {
  let rest = normalizeText(message).trim();
  let cued = rest.endsWith("?");
  let time = false;
  for (;;) {
    const before = rest;
    rest = rest.replace(EDGE_MARKS, "");
    const lower = rest.toLowerCase();
    const lead = LEADS.find((p) => startsWithWord(lower, p)) ?? gluedPrefix(lower);
    const suffix = SUFFIXES.find((p) => lower.endsWith(p) && lower.length > p.length);
    const first = EXTRAS.find((p) => startsWithWord(lower, p));
    const last = EXTRAS.find((p) => endsWithWord(lower, p));
    if (lead ?? suffix) cued = true;
    if (lead) rest = rest.slice(lead.length);
    else if (suffix) rest = rest.slice(0, -suffix.length);
    else if (first ?? last) {
      time ||= TIMES.has((first ?? last)!);
      rest = first ? rest.slice(first.length) : rest.slice(0, -last!.length);
    }
    if (rest === before) return { rest: rest.trim(), cued, time };
  }
}

/** The message after the openers at its start, as written. */
function withoutOpeners(message: string): string {
  let rest = normalizeText(message).trim();
  for (;;) {
    const trimmed = rest.replace(/^[\s¿¡"'(,.;:!?-]+/u, "");
    const lower = trimmed.toLowerCase();
    const opener = OPENERS_AND_EXTRAS.find((p) => startsWithWord(lower, p)) ?? gluedPrefix(lower);
    if (!opener) return trimmed === rest ? rest : trimmed;
    rest = trimmed.slice(opener.length);
  }
}

/** A prefix written onto the word it opens, with more after it. */
function gluedPrefix(lower: string): string | undefined {
  return PREFIXES.find((p) => lower.startsWith(p) && lower.length > p.length);
}

function startsWithWord(text: string, phrase: string): boolean {
  return text.startsWith(phrase) && !/[\p{L}\p{N}]/u.test(text[phrase.length] ?? " ");
}

function endsWithWord(text: string, phrase: string): boolean {
  return text.length > phrase.length && text.endsWith(phrase) && !/[\p{L}\p{N}]/u.test(text[text.length - phrase.length - 1]!);
}

function readValue(message: string): Value {
  const { rest, cued, time } = stripCues(message);
  const none: Value = { timeOnly: false, cued, known: false, empty: false };
  if (rest === "") return { ...none, timeOnly: time, empty: !time };
  const tokens = tokenize(rest);
  const numbers = readNumbers(rest, tokens);
  if (numbers) return { ...none, numbers };
  const places = readPlaces(rest, tokens);
  return places.length > 0 ? { ...none, places, known: extractPlaces(rest, tokens).length > 0 } : none;
}

/** "7", "5 and 9", "7 days": numbers, list words between them, and at most a two-word noun after. */
function readNumbers(text: string, tokens: Token[]): Value["numbers"] {
  const mentions = findNumbers(tokens);
  if (mentions.length === 0 || mentions.some((m) => m.kind !== "cardinal")) return undefined;
  const last = mentions.at(-1)!;
  const inside = (i: number) => mentions.some((m) => i >= m.start && i < m.end);
  for (let i = 0; i < last.end; i++) {
    const token = tokens[i]!;
    if (!inside(i) && !LIST_WORDS.has(token.lower) && token.text !== ",") return undefined;
  }
  const after = tokens.slice(last.end).filter((t) => t.kind !== "punct");
  if (after.length > 2 || after.some((t) => t.kind !== "word" || STOPWORDS.has(t.lower))) return undefined;
  return {
    mentions: mentions.map((m) => spanText(text, tokens, m)),
    ...(after.length > 0 ? { noun: after.map((t) => t.lower).join(" ") } : {}),
  };
}

/** A residue that is nothing but place names: "Berlin", "São Paulo", "Paris and Rome", "上海". */
function readPlaces(text: string, tokens: Token[]): string[] {
  if (NO_SPACE_SCRIPT.test(text.replace(/\s+/g, ""))) return [text];
  const words = tokens.filter((t) => t.kind === "word");
  if (words.length === 0 || words.length > MAX_PLACE_WORDS || tokens.some((t) => t.kind === "number" || t.kind === "date")) return [];
  const named = words.every((t) => /^\p{Lu}/u.test(t.text) || NAME_CONNECTORS.has(t.lower) || LIST_WORDS.has(t.lower));
  if (named) return extractPlaces(`in ${text}`, tokenize(`in ${text}`), { loose: false });
  // In lower case only a city the router knows by name, never the words after "in".
  if (words.some((t) => STOPWORDS.has(t.lower))) return [];
  return extractPlaces(text, tokens);
}

function spanText(text: string, tokens: Token[], mention: NumberMention): string {
  return text.slice(tokens[mention.start]!.start, tokens[mention.end - 1]!.end);
}

/**
 * The earlier question with its numbers replaced: by the one before the same noun ("And 11 hours?"),
 * or else the last ones it names ("what about 40?").
 */
function replaceNumbers(question: string, numbers: NonNullable<Value["numbers"]>): string | undefined {
  const text = normalizeText(question);
  const tokens = tokenize(text);
  const cardinals = findNumbers(tokens).filter((m) => m.kind === "cardinal");
  const count = numbers.mentions.length;
  if (cardinals.length < count) return undefined;
  const nounOf = (m: NumberMention) => (tokens[m.end]?.kind === "word" ? tokens[m.end] : undefined);
  const noun = numbers.noun;
  const sameNoun = noun === undefined ? undefined : cardinals.find((m) => singular(nounOf(m)?.lower ?? "") === singular(noun.split(" ")[0]!));
  const targets = count === 1 && sameNoun ? [sameNoun] : cardinals.slice(-count);
  // "5 days" → "7 days", and "1 day" → "7 days": the noun comes along with its new number.
  const withNoun = noun !== undefined && count === 1;
  let out = text;
  for (const [i, target] of [...targets.entries()].reverse()) {
    const followed = withNoun ? nounOf(target) : undefined;
    const replacement = numbers.mentions[i]!;
    const end = followed?.end ?? tokens[target.end - 1]!.end;
    out = out.slice(0, tokens[target.start]!.start) + (followed ? `${replacement} ${noun}` : replacement) + out.slice(end);
  }
  return out;
}

/** The turn's result as a number, from its last successful tool result. */
function lastResult(turn: Turn): string | undefined {
  const last = turn.observations.findLast((o) => !o.isError);
  const text = last?.result.trim().replace(/(?<=\d),(?=\d{3}\b)/g, "");
  return text !== undefined && /^[-−]?\d+(?:\.\d+)?$/.test(text) ? text.replace("−", "-") : undefined;
}

/** The message with words that point at a result read as "it", and glued or local verbs in English. */
function rewriteArithmetic(message: string): string {
  const lower = normalizeText(message).toLowerCase();
  const guarded = GUARDED.filter((g) => g.own.test(lower));
  // The reading stands apart from its neighbours, which in scripts without spaces touch it ("把它乘以3").
  return lower
    .replace(REWRITE_PATTERN, (word) => ` ${REWRITES.get(word) ?? guarded.find((g) => g.rewrites.has(word))?.rewrites.get(word) ?? word} `)
    .replace(/\s{2,}/g, " ")
    .trim();
}
