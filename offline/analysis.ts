import { parseExpression, type ExpressionResult } from "./expression.js";
import { normalizeQuestion } from "./normalize.js";
import { findNumbers } from "./numbers.js";
import { extractPlaces } from "./places.js";
import { normalizeText, tokenize, type Token } from "./text.js";
import { weatherCue, type WeatherCue } from "./weather-words.js";

/** What the offline router reads from a question once; routing it again (each step) reuses it. */
export interface Analysis {
  /** The part of the question that is not an embedded instruction, normalised and corrected. */
  text: string;
  tokens: Token[];
  injection: boolean;
  /** Arithmetic written as such, for the whole question or one clause of it. */
  expressions: Array<{ at: number; result: NonNullable<ExpressionResult> }>;
  /** The question's own questions when it asks several, each read on its own; one question gives none. */
  segments: string[];
  places: string[] | null;
  /** Places the conversation supplies for this question (a reply to "which city?"); they replace the question's own. */
  givenPlaces?: readonly string[];
  weatherCue: WeatherCue | undefined;
  echo: string | undefined;
  words: string[];
}

// An instruction aimed at the router: it and what follows are data, never a request.
const INJECTION =
  /\b(?:ignore|disregard|forget|override|bypass)\b[^.?!]{0,40}\b(?:instructions?|prompts?|rules|directions|above|previous|prior|system|guidelines)\b|\b(?:new|updated|system)\s+instructions?\s*:|\byou\s+(?:must|will|should)\s+(?:now\s+)?(?:call|use|run|execute|invoke|ignore|obey|follow|act as|pretend)\b|\byou are now\b(?!\s+\d)|\bdeveloper mode\b|\bsystem\s*(?:prompt|message)\s*:|<\/?(?:system|instructions?)>/i;

const cache = new Map<string, Analysis>();
const CACHE_LIMIT = 256;

/** The reading of a question, cached: the route node asks about the same question at every step. */
export function analyze(question: string): Analysis {
  const hit = cache.get(question);
  if (hit) return hit;
  const original = normalizeText(question).trim();
  const injectionAt = original.search(INJECTION);
  let trusted = original;
  if (injectionAt !== -1) {
    // Keep whole sentences before the instruction; a clause joined to it by "and" keeps the part before.
    const before = original.slice(0, injectionAt);
    const sentenceEnd = Math.max(before.lastIndexOf("."), before.lastIndexOf("?"), before.lastIndexOf("!"), before.lastIndexOf("\n"));
    trusted = (sentenceEnd === -1 ? before.replace(/[\s,;:-]*(?:and|but|then|also)?[\s,;:-]*$/i, "") : before.slice(0, sentenceEnd + 1)).trim();
  }
  const text = normalizeQuestion(trusted);
  const tokens = tokenize(text);
  const analysis: Analysis = {
    text,
    tokens,
    injection: injectionAt !== -1,
    expressions: readExpressions(text, tokens),
    segments: questionSegments(text, tokens),
    places: null,
    weatherCue: weatherCue(text, tokens),
    echo: echoText(text, tokens),
    words: tokens.filter((t) => t.kind === "word").map((t) => t.lower),
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(question, analysis);
  return analysis;
}

/** The question's reading with the conversation's places put in; the cached reading is left as it was. */
export function withPlaces(analysis: Analysis, places: readonly string[] | undefined): Analysis {
  return places && places.length > 0 ? { ...analysis, givenPlaces: places } : analysis;
}

/** The places the question names (with `loose`, also the lower-case words after "in"). */
export function placesOf(analysis: Analysis, loose = true): string[] {
  if (analysis.givenPlaces) return [...analysis.givenPlaces];
  if (analysis.places === null) analysis.places = extractPlaces(analysis.text, analysis.tokens);
  return loose ? analysis.places : extractPlaces(analysis.text, analysis.tokens, { loose: false });
}

/**
 * The questions a message asks one after another, split after each question mark; statements
 * before a question belong to it, and text after the last one to the last (a "then" that goes on).
 */
function questionSegments(text: string, tokens: Token[]): string[] {
  const ends = tokens.filter((t, i) => t.text === "?" && tokens.slice(i + 1).some((n) => n.kind !== "punct")).map((t) => t.end);
  if (ends.length === 0) return [];
  const cuts = [0, ...ends, text.length];
  return cuts.slice(1).map((end, i) => text.slice(cuts[i], end).trim()).filter(Boolean);
}

/** The whole question as arithmetic, or else each clause of it (joined by "and also", ", also"). */
function readExpressions(text: string, tokens: Token[]): Analysis["expressions"] {
  const whole = parseExpression(tokens);
  if (whole) return [{ at: 0, result: whole }];
  const found: Analysis["expressions"] = [];
  const clause = /[^.?!;]+(?:[.?!;]+|$)/g;
  for (const sentence of text.matchAll(clause)) {
    for (const part of sentence[0].split(/,?\s+and also\s+|,\s*also\s+|,\s+and\s+(?=tell|what|how|check|give|show)/i)) {
      const at = sentence.index + sentence[0].indexOf(part);
      const result = parseExpression(tokenize(part));
      if (result) found.push({ at, result });
    }
  }
  return found;
}

/** The text an echo or repeat request asks back: quoted text, or the rest after the verb. */
function echoText(text: string, tokens: Token[]): string | undefined {
  const verb = tokens.findIndex((t, i) => /^(?:echo|repeat|parrot)$/.test(t.lower) && i <= 4);
  if (verb === -1) return undefined;
  const rest = text.slice(tokens[verb]!.end);
  const quoted = /"([^"]+)"|'([^']+)'/.exec(rest);
  if (quoted) return (quoted[1] ?? quoted[2])!.trim();
  const cleaned = rest
    .trim()
    .replace(/^(?:back|after me|this|the (?:message|text|words?|phrase))\b\s*/i, "")
    .replace(/^[:,-]\s*/, "")
    .replace(/\s*(?:back to me|back|for me|please)\s*[.!?]*$/i, "")
    .trim();
  return cleaned || undefined;
}

const ASKS_QUANTITY =
  /\b(?:how (?:many|much|far|long|old|tall|high|deep|wide|heavy|fast)|what(?: is|'s| was| are| were| will be) (?:the|its|their|his|her)\b|area|perimeter|total|altogether|in all|find|calculate|compute)\b/i;

/** The question asks for a quantity and gives at least `minNumbers` numbers: a word problem's shape. */
export function looksLikeWordProblem(analysis: Analysis, minNumbers = 1): boolean {
  const numbers = findNumbers(analysis.tokens).filter((n) => n.kind !== "ordinal");
  return numbers.length >= minNumbers && ASKS_QUANTITY.test(analysis.text);
}
