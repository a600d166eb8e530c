import { findNumbers } from "../numbers.js";
import { singular, STOPWORDS, tokenize, type Token } from "../text.js";
import { LABELS, NAME_JOINERS, TITLES, VERBS } from "./words.js";

/** What a stretch of the question is, by its form alone. */
export type SpanKind = "quoted" | "email" | "url" | "path" | "glob" | "identifier" | "date" | "number" | "list" | "expression" | "numbers" | "name";

/** A stretch of the question that can fill one argument, with the words around it. */
export interface Span {
  kind: SpanKind;
  text: string;
  start: number;
  end: number;
  /** For numbers: the value, whether written as a percentage, and the word after it (its unit or noun). */
  value?: number;
  percent?: boolean;
  unit?: string;
  /** For bracketed lists: the items. */
  items?: Array<string | number>;
  /** Content words before the span in its clause, nearest first (singular, lower case). */
  before: string[];
  /** The first content word after it. */
  after?: string;
}

// Each pattern marks its text as used, so a path's digits never become a number.
const FORMS: Array<[SpanKind, RegExp]> = [
  // An apostrophe inside ("'Let's meet'") is followed by a letter; the closing quote is not.
  ["quoted", /(?<![\p{L}\p{N}])'((?:[^']|'(?=\p{L}))+?)'(?![\p{L}\p{N}])|"([^"]{1,300}?)"|`([^`]{1,300}?)`/gu],
  ["email", /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g],
  ["url", /\bhttps?:\/\/[^\s"'<>]+[^\s"'<>.,;:!?)]/g],
  ["glob", /(?<![\w/])(?:[\w.~/-]*\*[\w.*/{},-]*)/g],
  ["path", /(?<![\w])(?:~|\.{1,2})?\/[\w.@%+-]+(?:\/[\w.@%+-]*)*|\b[A-Za-z]:\\[^\s"']+|\b[\w-]+\.(?:txt|md|json|jsonl|csv|ts|js|py|yaml|yml|toml|html|xml|log|png|jpg|pdf)\b/g],
  ["list", /\[([^[\]]{1,300})\]/g],
  ["expression", /(?:\b[yf](?:\(x\))?\s*=\s*|\bfunction\s+)((?:[\dx.]+|\s*[-+*/^()]\s*|\s+)*x(?:[\dx.]+|\s*[-+*/^()]\s*|\s+)*[\dx)])/g],
  ["numbers", /(?<![\w.,-])-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?){2,}(?:,?\s*and\s+-?\d+(?:\.\d+)?)?(?![\w.])/g],
  ["date", /\b\d{4}[-/]\d{2}[-/]\d{2}\b|\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[,\s]*\d{4}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s*\d{4}\b/gi],
  // Letters and digits mixed ("6E123", "IND4567"), but not a number with its unit ("70kg", "19th").
  ["identifier", /\b(?!\d+(?:\.\d+)?[A-Za-z]{1,3}\b)(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_-]{2,}\b/g],
];

const cache = new Map<string, Span[]>();
const CACHE_LIMIT = 128;

/** Every span of the question, in order of position; spans never overlap. */
export function findSpans(text: string): Span[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const spans: Span[] = [];
  const taken = new Uint8Array(text.length);
  const free = (start: number, end: number) => taken.subarray(start, end).every((t) => t === 0);
  const take = (span: Omit<Span, "before">) => {
    taken.fill(1, span.start, span.end);
    spans.push({ ...span, before: [] });
  };
  for (const [kind, pattern] of FORMS) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (!free(start, end)) continue;
      const inner = match[1] ?? match[2] ?? match[3];
      if (kind === "quoted") take({ kind, text: inner!.trim(), start, end });
      else if (kind === "expression") take({ kind, text: inner!.trim(), start, end });
      else if (kind === "numbers") take({ kind, text: match[0], start, end, items: match[0].split(/\s*,\s*(?:and\s+)?|\s+and\s+/).map(Number) });
      else if (kind === "list") {
        const items = inner!.split(",").map((item) => item.trim().replace(/^['"]|['"]$/g, "")).filter(Boolean);
        if (items.length > 0) take({ kind, text: match[0], start, end, items: items.map((item) => (/^-?\d+(?:\.\d+)?$/.test(item) ? Number(item) : item)) });
      } else take({ kind, text: match[0].replace(/[.,;:]+$/, ""), start, end: start + match[0].replace(/[.,;:]+$/, "").length });
    }
  }
  const tokens = tokenize(text);
  for (const mention of findNumbers(tokens)) {
    if (mention.kind !== "cardinal") continue;
    const first = tokens[mention.start]!;
    const last = tokens[mention.end - 1]!;
    if (!free(first.start, last.end)) continue;
    const negative = text[first.start - 1] === "-" && !/[\p{L}\p{N}]/u.test(text[first.start - 2] ?? " ");
    const percent = text[last.end] === "%" || tokens[mention.end]?.lower === "percent";
    const unitToken = tokens.slice(mention.end).find((t) => t.kind === "word");
    take({
      kind: "number",
      text: text.slice(negative ? first.start - 1 : first.start, last.end),
      start: negative ? first.start - 1 : first.start,
      end: last.end,
      value: negative ? -mention.value : mention.value,
      percent,
      ...(unitToken && unitToken.start - last.end <= 2 ? { unit: singular(unitToken.lower) } : {}),
    });
  }
  for (const name of nameSpans(text, tokens)) if (free(name.start, name.end)) take(name);
  spans.sort((a, b) => a.start - b.start);
  for (const [i, span] of spans.entries()) {
    // Context stops at the span before: its words are a value, not a word about this one.
    span.before = wordsBefore(tokens, span.start, spans[i - 1]?.end ?? 0);
    const next = tokens.find((t) => t.start >= span.end);
    // "30 shots-on-goal": a hyphenated compound is named by its last word.
    if (next?.kind === "word" && !STOPWORDS.has(next.lower) && !(spans[i + 1] && spans[i + 1]!.start <= next.start)) span.after = singular(next.lower.split("-").at(-1)!);
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(text, spans);
  return spans;
}

/** Up to four content words before `at` and after `from`, nearest first, within the clause. */
function wordsBefore(tokens: Token[], at: number, from: number): string[] {
  const words: string[] = [];
  for (let i = tokens.findLastIndex((t) => t.end <= at); i >= 0 && words.length < 4; i--) {
    const token = tokens[i]!;
    if (token.start < from) break;
    if (token.kind === "punct" && /[.;!?]/.test(token.text)) break;
    if (token.kind === "word" && !STOPWORDS.has(token.lower)) words.push(singular(token.lower));
  }
  return words;
}

const capitalised = (token: Token) => token.kind === "word" && /^\p{Lu}/u.test(token.text);

/**
 * Runs of capitalised words ("Louvre Museum", "Leader of the Pack", "Mr. X"), less a sentence's
 * opening verb or question word, which is capitalised for another reason.
 */
function nameSpans(text: string, tokens: Token[]): Array<Omit<Span, "before">> {
  const names: Array<Omit<Span, "before">> = [];
  let i = 0;
  while (i < tokens.length) {
    if (!capitalised(tokens[i]!) || (tokens[i]!.lower === "i" && tokens[i]!.text === "I") || LABELS.has(tokens[i]!.lower)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < tokens.length) {
      const token = tokens[j]!;
      if (capitalised(token) || (token.kind === "number" && capitalised(tokens[j - 1]!))) j++;
      else if (token.text === "." && TITLES.has(tokens[j - 1]!.lower) && tokens[j + 1] && capitalised(tokens[j + 1]!)) j++;
      else if (token.text === "&" || (NAME_JOINERS.has(token.lower) && token.lower !== "and" && tokens[j + 1] && capitalised(tokens[j + 1]!))) j++;
      else break;
    }
    let first = i;
    const opensSentence = i === 0 || /[.!?:\n>]/.test(text.slice(tokens[i - 1]!.end, tokens[i]!.start) + tokens[i - 1]!.text);
    // "Find Louvre Museum": the opening verb is no part of the name.
    while (first < j && opensSentence && first === i && (VERBS.has(tokens[first]!.lower) || STOPWORDS.has(tokens[first]!.lower))) first++;
    // "Book the Grand Hotel": a joiner left in front is no part of the name either.
    while (first < j && first > i && (NAME_JOINERS.has(tokens[first]!.lower) || tokens[first]!.kind === "punct")) first++;
    if (first < j && !(opensSentence && j - first === 1 && first === i && isCommonWord(tokens[first]!.lower))) {
      names.push({ kind: "name", text: text.slice(tokens[first]!.start, tokens[j - 1]!.end), start: tokens[first]!.start, end: tokens[j - 1]!.end });
    }
    i = j;
  }
  return names;
}

/** A sentence's single capitalised first word is a name only when it is not an ordinary word. */
function isCommonWord(word: string): boolean {
  return STOPWORDS.has(word) || VERBS.has(word) || /(?:ing|ed|ly)$/.test(word);
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** A date as year, month and day, when its form leaves no doubt ("May 12, 2022", "2022-05-12"). */
export function readDate(text: string): { year: number; month: number; day: number } | undefined {
  const iso = /^(\d{4})[-/](\d{2})[-/](\d{2})$/.exec(text);
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  const month = MONTHS.findIndex((m) => new RegExp(`\\b${m}`, "i").test(text)) + 1;
  const numbers = (text.match(/\d+/g) ?? []).map(Number);
  const year = numbers.find((n) => n >= 1000);
  const day = numbers.find((n) => n >= 1 && n <= 31);
  return month > 0 && year !== undefined && day !== undefined ? { year, month, day } : undefined;
}
