import common from "./vocabulary/common.json" with { type: "json" };
import de from "./vocabulary/de.json" with { type: "json" };
import en from "./vocabulary/en.json" with { type: "json" };
import es from "./vocabulary/es.json" with { type: "json" };
import fr from "./vocabulary/fr.json" with { type: "json" };
import it from "./vocabulary/it.json" with { type: "json" };
import ja from "./vocabulary/ja.json" with { type: "json" };
import ko from "./vocabulary/ko.json" with { type: "json" };
import pl from "./vocabulary/pl.json" with { type: "json" };
import pt from "./vocabulary/pt.json" with { type: "json" };
import ru from "./vocabulary/ru.json" with { type: "json" };
import zh from "./vocabulary/zh.json" with { type: "json" };
import type { Operation } from "./plan.js";

/**
 * The words the offline router reads, one data file per language under `vocabulary/`, every file
 * with the same sections and every language read the same way: the tables below are the union of
 * the files. A new language or word is a row in a file, never a code path.
 */
interface LanguageFile {
  weather?: { comparatives?: Record<string, string> } & Partial<Record<"means" | "forecasts" | "measures" | "signs" | "feelings" | "phrases" | "modifiers" | "now" | "lookalikes" | "typos", string[]>>;
  arithmetic?: {
    infix?: Record<string, string>;
    commands?: Record<string, string>;
    participles?: Record<string, string>;
    and?: string[];
    by?: string[];
    from?: string[];
    then?: string[];
    ref?: string[];
    of?: string[];
    /** Space-separated words that may sit inside written-out arithmetic. */
    filler?: string;
  };
  beyond?: {
    divide?: { verbs?: string[]; partners?: string[]; anywhere?: string[]; asks?: string[] };
    subtract?: { takeaway?: string[]; start?: string[] };
    other?: string[];
  };
  places?: {
    prepositions?: string[];
    articles?: string[];
    introducers?: string[];
    namePrefixes?: string[];
    inflections?: Record<string, string>;
    timeWords?: string[];
  };
  translations?: Record<string, string>;
  requestPrefixes?: string[];
  /** Space-separated words a unit conversion may use besides its units and count. */
  conversion?: string;
}

const FILES: LanguageFile[] = [common, en, de, es, fr, it, pt, pl, ru, zh, ja, ko];

function list(pick: (file: LanguageFile) => readonly string[] | string | undefined): string[] {
  return FILES.flatMap((file) => {
    const value = pick(file);
    return typeof value === "string" ? value.split(/\s+/).filter(Boolean) : [...(value ?? [])];
  });
}

function table<T extends string>(pick: (file: LanguageFile) => Record<string, string> | undefined): Map<string, T> {
  return new Map(FILES.flatMap((file) => Object.entries(pick(file) ?? {}) as Array<[string, T]>));
}

/** Scripts written without spaces between words: a word of theirs is found inside the text. */
export const NO_SPACE_SCRIPT = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u;

const weather = (key: Exclude<keyof NonNullable<LanguageFile["weather"]>, "comparatives">) => list((f) => f.weather?.[key]);

export const WEATHER = {
  /** Words that mean the weather itself: a question with one wants a place. */
  means: new Set(weather("means")),
  /** Forecasts: weather unless a noun before them says what is forecast. */
  forecasts: new Set(weather("forecasts")),
  /** Measures of the weather, which other things have too: weather unless a noun before them says whose. */
  measures: new Set(weather("measures")),
  /** Signs of the weather: weather only when the question is no word problem. */
  signs: new Set(weather("signs")),
  /** How the weather feels: weather only next to a place. */
  feelings: new Set(weather("feelings")),
  /** Phrases that ask about the weather in languages whose word for it also means "time". */
  phrases: weather("phrases"),
  /** Words that may stand before a forecast or a measure and still leave it about the weather. */
  modifiers: new Set(weather("modifiers")),
  /** Words of the moment that make a measure ask for a place ("the temperature outside"). */
  now: weather("now"),
  /** Real words one letter away from a weather word, which are not typos of it. */
  lookalikes: new Set(weather("lookalikes")),
  /** The weather words of scripts without spaces, found inside a sentence. */
  inside: [...new Set([...weather("means"), ...weather("measures")].filter((w) => NO_SPACE_SCRIPT.test(w)))],
  /** English words for the weather itself, whose near misses are read as them ("temprature"). */
  correctable: [...(en.weather.means ?? []), ...(en.weather.forecasts ?? []), ...(en.weather.measures ?? [])],
  /** Comparisons of temperature, and whether the one that is more so has the higher temperature. */
  comparatives: table<"higher" | "lower">((f) => f.weather?.comparatives),
  /** Weather words the spelling corrector repairs in any question. */
  typos: weather("typos"),
};

/** The word names the weather or one of its measures. */
export function namesWeather(word: string): boolean {
  return WEATHER.means.has(word) || WEATHER.forecasts.has(word) || WEATHER.measures.has(word);
}

/** Any weather word, signs and feelings too. */
export function isWeatherWord(word: string): boolean {
  return namesWeather(word) || WEATHER.signs.has(word) || WEATHER.feelings.has(word);
}

const arithmetic = (key: "and" | "by" | "from" | "then" | "ref" | "of") => new Set(list((f) => f.arithmetic?.[key]));

export const ARITHMETIC = {
  infix: table<Operation>((f) => f.arithmetic?.infix),
  commands: table<Operation>((f) => f.arithmetic?.commands),
  /** "multiplied by", "divisé par": a participle that is an operator with the word after it. */
  participles: table<Operation>((f) => f.arithmetic?.participles),
  and: arithmetic("and"),
  by: arithmetic("by"),
  from: arithmetic("from"),
  then: arithmetic("then"),
  ref: arithmetic("ref"),
  of: arithmetic("of"),
  filler: new Set(list((f) => f.arithmetic?.filler)),
};

export const BEYOND = {
  divideVerbs: new Set(list((f) => f.beyond?.divide?.verbs)),
  dividePartners: new Set(list((f) => f.beyond?.divide?.partners)),
  divideAnywhere: list((f) => f.beyond?.divide?.anywhere),
  /** Found in the question's last sentence only: what it asks for. */
  divideAsks: list((f) => f.beyond?.divide?.asks),
  takeaway: list((f) => f.beyond?.subtract?.takeaway),
  start: list((f) => f.beyond?.subtract?.start),
  other: list((f) => f.beyond?.other),
};

export const PLACE_WORDS = {
  /** Words a place name follows: "in", "à", "в". */
  prepositions: new Set(list((f) => f.places?.prepositions)),
  /** Articles between a preposition and a name ("in the Hague"). */
  articles: new Set(list((f) => f.places?.articles)),
  /** Phrases that introduce an example place: "such as", "like". */
  introducers: list((f) => f.places?.introducers),
  /** First words of multi-word names, after which a lower-case word still belongs to the name ("New york"). */
  namePrefixes: new Set(list((f) => f.places?.namePrefixes)),
  /** Inflected forms of names, lower case, and the name itself ("москве" → "Москва"). */
  inflections: table<string>((f) => f.places?.inflections),
  /** Times and particles around a place in scripts without spaces, longest first. */
  timeWords: list((f) => f.places?.timeWords).sort((a, b) => b.length - a.length),
  /** Request openers before a place in scripts without spaces ("我想知道"), longest first. */
  requestPrefixes: list((f) => f.requestPrefixes).sort((a, b) => b.length - a.length),
};

/** The words a unit conversion may use besides its units and count ("convert", "how many", "in"). */
export const CONVERSION_WORDS = new Set(list((f) => f.conversion));

/** Word or two-word phrase of another language → the English the readers understand. */
export const TRANSLATIONS: Readonly<Record<string, string>> = Object.fromEntries(table<string>((f) => f.translations));

/** True when `phrase` occurs in `text` as whole words (`text` lower case, padded with spaces). */
export function hasPhrase(padded: string, phrase: string): boolean {
  return padded.includes(` ${phrase} `);
}
