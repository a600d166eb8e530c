import { hasPhrase, isWeatherWord, WEATHER } from "./lexicon.js";
import { editDistance, STOPWORDS, type Token } from "./text.js";

/** The word that makes a question about the weather, and how sure it makes us. */
export interface WeatherCue {
  word: string;
  /** The word names the weather or one of its measures, so no other reading competes with it. */
  strong: boolean;
  /** Without a place the question still wants the weather, so it asks for one. */
  asksPlace: boolean;
  at: number;
}

/**
 * The first weather word of a question, strongest first. A forecast or a measure after a noun that
 * says whose it is (a "sales forecast", a "body temperature") is that noun's, not the weather's;
 * the nouns that leave it the weather's (times, extents, places) are data.
 */
export function weatherCue(text: string, tokens: readonly Token[]): WeatherCue | undefined {
  let weak: WeatherCue | undefined;
  const padded = ` ${tokens.map((t) => t.lower).join(" ")} `;
  const now = WEATHER.now.some((w) => hasPhrase(padded, w));
  for (const [i, token] of tokens.entries()) {
    if (token.kind !== "word") continue;
    const word = token.lower;
    const at = token.start;
    if (WEATHER.means.has(word) || isWeatherTypo(word)) return { word, strong: true, asksPlace: true, at };
    if (WEATHER.forecasts.has(word) || WEATHER.measures.has(word)) {
      if (ownedByNoun(tokens[i - 1])) continue;
      const asksPlace = WEATHER.forecasts.has(word) || now;
      return { word, strong: true, asksPlace, at };
    }
    if (WEATHER.signs.has(word)) weak ??= { word, strong: false, asksPlace: true, at };
    else if (WEATHER.feelings.has(word)) weak ??= { word, strong: false, asksPlace: now, at };
  }
  const phrase = WEATHER.phrases.find((p) => hasPhrase(padded, p));
  if (phrase) return { word: phrase, strong: true, asksPlace: true, at: 0 };
  // Words of scripts written without spaces (all that WEATHER.inside holds) are found inside the text.
  const inside = WEATHER.inside.find((w) => text.includes(w));
  if (inside) return { word: inside, strong: true, asksPlace: true, at: text.indexOf(inside) };
  return weak;
}

/** A lower-case content word right before: a compound whose head belongs to that noun. */
function ownedByNoun(before: Token | undefined): boolean {
  if (before?.kind !== "word" || /^\p{Lu}/u.test(before.text)) return false;
  const word = before.lower;
  return !STOPWORDS.has(word) && !WEATHER.modifiers.has(word) && !isWeatherWord(word);
}

function isWeatherTypo(word: string): boolean {
  if (word.length < 6 || WEATHER.lookalikes.has(word) || isWeatherWord(word)) return false;
  return WEATHER.correctable.some((t) => t[0] === word[0] && editDistance(word, t, 2) <= (word.length >= 10 ? 2 : 1));
}
