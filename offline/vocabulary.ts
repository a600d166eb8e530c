import { canonicalUnit } from "./facts.js";
import { singular, type Token } from "./text.js";

/** The English the word-problem reader relies on: which words end a noun phrase, state a rate, name a unit. */

const ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "mt", "ft", "oz", "lb", "lbs", "approx"]);
export const QUESTION_WORDS = new Set(["how", "what", "what's", "whats", "find", "calculate", "compute", "determine", "which"]);

export const UNIT_STOP = new Set(
  `and or but of in on at to for from with by per each every than that which who whom is are was were be been being have has
  had do does did will would can could should shall may might must left this these those the a an his her their its my your our
  if when while as so then there it he she they we you i me him them us apiece today yesterday tomorrow now altogether total all
  together last next instead before after into out up off away back over under around about during since until too also still only
  just already some many much how more fewer less times go went come came get got gets make made take took give gave start started
  died remain remained not no never both either neither what where why own across through inside outside near another else again
  like cent percent o'clock pm am long wide tall high deep thick old away apart heavy worth`.split(/\s+/),
);

export const ADJECTIVES = new Set(
  "red blue green yellow black white purple pink brown gray grey silver gold golden big small large little tiny huge short new old young hot cold warm regular diet male female ripe unripe fresh rotten broken whole full empty cracked good bad healthy sick wild public private local foreign junior senior adult baby plain striped spotted dark light heavy special".split(
    " ",
  ),
);

export const GROUPS = new Set(["family", "group", "team", "class", "party", "crew", "club", "band", "troop", "squad"]);
export const MONEY = new Set(["dollar", "euro", "cent", "buck", "money", "penny", "nickel", "dime", "quarter", "price", "cost", "amount", "value"]);
export const TIME = new Set(["second", "minute", "hour", "day", "week", "month", "year", "decade", "time"]);
export const LENGTH = new Set(["inch", "foot", "yard", "mile", "meter", "centimeter", "millimeter", "kilometer"]);
export const WEIGHT = new Set(["pound", "ounce", "gram", "kilogram", "ton"]);
export const DIMENSIONS = new Set(["long", "wide", "tall", "high", "deep", "thick"]);
export const MULTIPLIER_FOLLOWERS = new Set(
  "as more longer farther further bigger larger older higher taller faster heavier greater the that this what his her their its than a an many much".split(" "),
);
export const EVENT_TIMES = new Set(["year", "week", "month", "day", "morning", "afternoon", "evening", "night", "summer", "winter", "spring", "fall", "season", "weekend", "time"]);
export const PRONOUNS = new Set(["them", "they", "us", "we", "you", "these", "those", "it"]);
export const RATE_VERBS = new Set(
  "has have holds contains costs weighs needs takes makes gets uses requires produces lays eats carries is can could will would calls charges sells earns pays feeds fits".split(" "),
);
export const PAST_OR_OTHER_VERBS = new Set(
  `had was were held contained cost needed took made got used required produced laid ate carried sold bought paid spent earned gave found
  planted picked saw went did ran drove scored ordered received flew sat stood came fell grew threw swam drank sang rode wrote brought
  caught taught built sent put cut hit knew began broke chose fed kept led met said told wore lost won left`.split(/\s+/),
);
/** Plain verbs that end a noun phrase after a plural noun (N Xs sit, stand, live …). */
export const BASE_VERBS = new Set(
  "are sit stand live come go fly swim eat need want like play run walk jump grow weigh hold fit remain stay belong visit attend work use make take give get see buy sell read write were have add equal last plus minus times".split(" "),
);
export const IRREGULAR_STEMS: Record<string, string> = {
  bought: "spend",
  buy: "spend",
  buys: "spend",
  buying: "spend",
  spent: "spend",
  spends: "spend",
  spending: "spend",
  paid: "spend",
  pay: "spend",
  pays: "spend",
  cost: "spend",
  costs: "spend",
  sold: "sell",
  made: "make",
  got: "get",
  gave: "give",
  took: "take",
  ate: "eat",
  found: "find",
  ran: "run",
  drove: "drive",
  grew: "grow",
  threw: "throw",
  went: "go",
  saw: "see",
  won: "win",
  built: "build",
  had: "have",
  has: "have",
  did: "do",
  does: "do",
  earning: "earn",
  earned: "earn",
  earns: "earn",
};
export const CONTEXT_IGNORED = new Set(
  "how many much what is are was were do does did have has had be the a an of in on to for they he she it there total totaled altogether together all now then left still there their his her its will would can could should in all combined sum number".split(
    " ",
  ),
);

export function isWord(token: Token | undefined): token is Token {
  return token?.kind === "word";
}

export function noun(word: string): string {
  return canonicalUnit(singular(word));
}

/** A rough stem for comparing the question's words with the story's ("earning" ~ "earn", "bought" ~ "spend"). */
export function stem(word: string): string {
  const irregular = IRREGULAR_STEMS[word];
  if (irregular) return irregular;
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  return singular(word);
}

export const sameNoun = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  (a === b || a.replace(/[\s-]/g, "") === b.replace(/[\s-]/g, "") || (a.length > 3 && b.endsWith(a)) || (b.length > 3 && a.endsWith(b)));

/** Splits token indices into sentences, keeping "Mrs." and "B. Jones" inside one. */
export function sentences(tokens: readonly Token[]): number[] {
  const ids: number[] = [];
  let current = 0;
  for (let i = 0; i < tokens.length; i++) {
    ids.push(current);
    const token = tokens[i]!;
    if (token.kind !== "punct" || !/^[.?!]$/.test(token.text)) continue;
    const previous = tokens[i - 1];
    if (token.text === "." && previous && (ABBREVIATIONS.has(previous.lower) || /^[A-Z]$/.test(previous.text))) continue;
    current++;
  }
  return ids;
}

/** What a unit measures: "mile" → length, "hour" → time. */
export function family(unit: string): string | undefined {
  if (LENGTH.has(unit)) return "length";
  if (TIME.has(unit) && unit !== "time") return "time";
  if (WEIGHT.has(unit)) return "weight";
  if (MONEY.has(unit)) return "money";
  return undefined;
}

export function isMeasure(unit: string): boolean {
  return TIME.has(unit) || LENGTH.has(unit) || WEIGHT.has(unit) || ["gallon", "liter", "cup", "quart", "pint", "dozen"].includes(unit);
}

/** The noun after "each"/"a": the last word of a short compound before a verb or stop word. */
export function subjectNoun(tokens: readonly Token[], start: number): string | undefined {
  let last: string | undefined;
  for (let k = start; k < start + 4 && isWord(tokens[k]); k++) {
    const w = tokens[k]!.lower;
    if (UNIT_STOP.has(w) || RATE_VERBS.has(w) || PAST_OR_OTHER_VERBS.has(w)) break;
    if (last !== undefined && (/(?:s|ed|ing)$/.test(w) || /^\p{Lu}/u.test(tokens[k]!.text))) break;
    last = w;
  }
  return last === undefined ? undefined : noun(last);
}

/** "A Y has N X": a present-tense verb after the subject states a rate. */
export function rateVerbFollows(tokens: readonly Token[], start: number): boolean {
  for (let k = start, words = 0; isWord(tokens[k]) && words < 6; k++, words++) {
    const w = tokens[k]!.lower;
    // "A Y of Zs contains": the "of" phrase belongs to the subject.
    if (w === "of" && words > 0 && isWord(tokens[k + 1])) {
      k++;
      continue;
    }
    if (RATE_VERBS.has(w)) return true;
    if (PAST_OR_OTHER_VERBS.has(w) || UNIT_STOP.has(w)) return false;
    if (words > 0 && /s$/.test(w) && !/(?:ss|us)$/.test(w)) return true;
    if (words > 0 && /ed$/.test(w)) return false;
  }
  return false;
}
