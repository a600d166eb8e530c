import { ARITHMETIC, TRANSLATIONS, WEATHER } from "./lexicon.js";
import { editDistance, STOPWORDS, tokenize, type Token } from "./text.js";

/**
 * Rewrites a question so the English readers understand it: common misspellings of the words
 * routing depends on (swapped letters in "hwo" or "dyas", a dropped letter in "temprature"), chat
 * shorthand ("pls"), and the question, unit and verb words of a few other languages (Spanish
 * "cuántas horas" → "how many hours"). Names and everything else stay as written.
 */

/** The words routing depends on: misspellings of these are corrected, nothing else is. */
const CUE_WORDS = [
  ...`how what what's whats many much is are the and can you your please have has do does with
  hours hour days day minutes minute seconds second weeks week months month years year dozen dozens
  add plus sum total multiply multiplied times product minus subtract divide divided tell check`.split(/\s+/),
  ...WEATHER.typos,
];

const CUES = new Set(CUE_WORDS);
/** Operator words of every language: spelt right, so "multiplica" (Spanish) is no slip for "multiplied". */
const OPERATORS = new Set([...ARITHMETIC.infix.keys(), ...ARITHMETIC.commands.keys(), ...ARITHMETIC.participles.keys()]);
/** Operator words: a short slip right before a number is still one (a letter short of "add"). */
const OPERATOR_WORDS = ["add", "plus", "times", "multiply", "minus", "sum"];

const SHORTHAND: Record<string, string> = {
  wat: "what",
  wats: "what's",
  whats: "what's",
  pls: "please",
  plz: "please",
  u: "you",
  ur: "your",
  hw: "how",
  thx: "thanks",
};

/** Words seen before and their nearest cue (or null): questions repeat words, routing repeats questions. */
const nearestCache = new Map<string, { cue: string; swap: boolean } | null>();
const NEAREST_CACHE_LIMIT = 20_000;

function cachedNearestCue(word: string): { cue: string; swap: boolean } | undefined {
  let hit = nearestCache.get(word);
  if (hit === undefined) {
    hit = STOPWORDS.has(word) ? null : (nearestCue(word) ?? null);
    if (nearestCache.size >= NEAREST_CACHE_LIMIT) nearestCache.clear();
    nearestCache.set(word, hit);
  }
  return hit ?? undefined;
}

function correct(token: Token, next: Token | undefined, capitalizedName: boolean): string | undefined {
  const word = token.lower;
  if (SHORTHAND[word]) return SHORTHAND[word];
  if (CUES.has(word) || OPERATORS.has(word) || capitalizedName || !/^[a-z']+$/.test(word)) return undefined;
  const general = word.length >= 3 ? cachedNearestCue(word) : undefined;
  if (general?.swap) return general.cue;
  if (next?.kind === "number" && word.length >= 2) {
    const operator = OPERATOR_WORDS.find((w) => editDistance(word, w, 1) <= 1);
    if (operator) return operator;
  }
  return general?.cue;
}

function nearestCue(word: string): { cue: string; swap: boolean } | undefined {
  // A swap of two neighbouring letters ("hwo", "dyas") is a slip at any length; other edits only in longer
  // words, and two only between long ones ("temprature"), so "remaining" never becomes "raining".
  const budgetFor = (cue: string) => {
    const shorter = Math.min(word.length, cue.length);
    return shorter >= 9 ? 2 : shorter >= 5 ? 1 : 0;
  };
  let best: { cue: string; swap: boolean } | undefined;
  let bestDistance = Infinity;
  for (const cue of CUE_WORDS) {
    const budget = budgetFor(cue);
    if (Math.abs(cue.length - word.length) > Math.max(budget, 0)) continue;
    const distance = editDistance(word, cue, 2);
    const swap = distance === 1 && cue.length === word.length && [...cue].sort().join("") === [...word].sort().join("");
    if ((distance <= budget || swap) && distance < bestDistance) {
      best = { cue, swap };
      bestDistance = distance;
    }
  }
  return best;
}

/** Normalised text with misspelt cue words corrected and foreign question words translated. */
export function normalizeQuestion(text: string): string {
  const tokens = tokenize(text);
  let out = "";
  let cursor = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== "word") continue;
    const next = tokens[i + 1];
    const pair = next ? `${token.lower} ${next.lower}` : "";
    const glued = next && next.start === token.end ? `${token.lower}${next.lower}` : "";
    let replacement: string | undefined;
    let end = token.end;
    // "combien d'heures": the elided "d'" is glued to the next word, and the phrase is "combien d'".
    const elided = next?.kind === "word" ? /^(d')(.+)$/.exec(next.lower) : null;
    if (pair && TRANSLATIONS[pair] && next?.kind === "word") {
      replacement = TRANSLATIONS[pair];
      end = next.end;
      i++;
    } else if (elided && TRANSLATIONS[`${token.lower} ${elided[1]}`]) {
      const rest = next!.text.slice(elided[1]!.length);
      replacement = `${TRANSLATIONS[`${token.lower} ${elided[1]}`]} ${TRANSLATIONS[elided[2]!] ?? rest}`;
      end = next!.end;
      i++;
    } else if (glued && TRANSLATIONS[glued]) {
      replacement = TRANSLATIONS[glued];
      end = next!.end;
      i++;
    } else if (TRANSLATIONS[token.lower]) {
      replacement = TRANSLATIONS[token.lower];
    } else {
      const sentenceStart = i === 0 || /^[.?!¿¡]$/.test(tokens[i - 1]!.text);
      const capitalizedName = /^\p{Lu}/u.test(token.text) && !sentenceStart;
      replacement = correct(token, next, capitalizedName);
    }
    if (replacement === undefined) continue;
    out += text.slice(cursor, token.start) + replacement;
    cursor = end;
  }
  return out + text.slice(cursor);
}
