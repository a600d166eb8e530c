/** A word, number or punctuation mark of the question, with its place in the original text. */
export interface Token {
  /** As written (accents, case), for place names and echoed text. */
  text: string;
  /** Lower case, for matching. */
  lower: string;
  kind: "word" | "number" | "punct" | "date";
  start: number;
  end: number;
}

// Dates and clock times first, so their digits never become quantities; then amounts in scientific
// notation ("1e3"), with thousands separators and decimals; then words (letters of any script, inner apostrophes and
// hyphens), except CJK characters, taken one by one since those scripts do not separate words.
const TOKEN_PATTERN =
  /\d{4,5}[-./]\d{1,2}[-./]\d{1,4}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?|\d{4}-\d{4}|\d+(?:\.\d+)?[eE][+-]?\d+(?![\p{L}\d])|(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+|[\u3040-\u30ff\u3400-\u9fff]|[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*|[^\s\p{L}\p{N}]/gu;

const DATE_OR_TIME = /^(?:\d{4,5}[-./]\d{1,2}[-./]\d{1,4}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?|\d{4}-\d{4})$/;

const CJK = /[\u3040-\u30ff\u3400-\u9fff]/u;

/** Normalises quotes, dashes and spaces so one pattern reads them all. */
export function normalizeText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d«»„]/g, '"')
    .replace(/[\u2010-\u2014\u2212]/g, "-")
    .replace(/[\u00a0\u2000-\u200b\u3000]/g, " ")
    .replace(/[？]/g, "?")
    .replace(/[！]/g, "!")
    .replace(/[，、]/g, ",")
    .replace(/[。]/g, ".");
}

/** Splits normalised text into tokens. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const raw = match[0];
    const start = match.index;
    const kind: Token["kind"] = DATE_OR_TIME.test(raw)
      ? "date"
      : /^[\d.]/.test(raw) && /\d/.test(raw)
        ? "number"
        : /^[\p{L}\p{M}]/u.test(raw) || CJK.test(raw)
          ? "word"
          : "punct";
    tokens.push({ text: raw, lower: raw.toLowerCase(), kind, start, end: start + raw.length });
  }
  return tokens;
}

/** `text` matched literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const IRREGULAR_SINGULARS: Record<string, string> = {
  children: "child",
  people: "person",
  men: "man",
  women: "woman",
  feet: "foot",
  teeth: "tooth",
  mice: "mouse",
  geese: "goose",
  oxen: "ox",
  dice: "die",
  leaves: "leaf",
  knives: "knife",
  wives: "wife",
  lives: "life",
  halves: "half",
  shelves: "shelf",
  loaves: "loaf",
  wolves: "wolf",
  calves: "calf",
  series: "series",
  species: "species",
  news: "news",
  glasses: "glass",
  pants: "pants",
  scissors: "scissors",
  shorts: "shorts",
  clothes: "clothes",
  cookies: "cookie",
  movies: "movie",
  pies: "pie",
  ties: "tie",
  lies: "lie",
  goalies: "goalie",
  zombies: "zombie",
  brownies: "brownie",
  calories: "calorie",
  rookies: "rookie",
  selfies: "selfie",
  hippies: "hippie",
  smoothies: "smoothie",
  aunties: "auntie",
  cents: "cent",
  bus: "bus",
  buses: "bus",
  dishes: "dish",
  potatoes: "potato",
  tomatoes: "tomato",
  heroes: "hero",
  echoes: "echo",
};

/** English plural to singular, good enough to compare nouns ("boxes" ~ "box", "berries" ~ "berry"). */
export function singular(word: string): string {
  const irregular = IRREGULAR_SINGULARS[word];
  if (irregular) return irregular;
  if (word.length <= 3 || !/^[a-z'-]+$/.test(word)) return word;
  if (word.endsWith("ss") || word.endsWith("us") || word.endsWith("is")) return word;
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (/(?:ches|shes|xes|zzes|sses)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("'s")) return word.slice(0, -1);
  return word;
}

/** "apple" → "apples", "foot" → "feet", for answers and reasons. */
export function pluralize(noun: string, count = 2): string {
  if (count === 1 || /s$/.test(noun)) return noun;
  if (noun.endsWith("foot")) return `${noun.slice(0, -4)}feet`;
  if (noun === "person") return "people";
  if (noun === "child") return "children";
  if (/(?:x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

/** Words that carry no topic: question scaffolding, pronouns, auxiliaries, articles. */
export const STOPWORDS = new Set(
  `a an the and or but if then so of to in on at by for from with about into over under as is are was were be been being am
  do does did done have has had having will would shall should can could may might must i me my mine you your yours he him
  his she her hers it its we us our ours they them their theirs this that these those there here what which who whom whose
  when where why how all any both each few more most other some such no nor not only own same than too very just also now
  please tell give show let find get got know like want need help hi hello hey thanks thank okay ok yes up out one s t
  what's whats how's hows it's let's i'm i'd i'll you're isn't aren't don't doesn't didn't can't cannot won't
  something anything everything nothing someone anyone everyone today tomorrow yesterday really well much many`.split(/\s+/),
);

/** Reused rows for `editDistance`: routing calls it often and must not churn the heap. */
let rowsBuffer = new Int32Array(64 * 64);

/** Damerau–Levenshtein distance with an early exit once `max` is exceeded. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  if (rows * cols > rowsBuffer.length) rowsBuffer = new Int32Array(rows * cols * 2);
  const d = rowsBuffer;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Infinity;
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
  }
  return d[rows * cols - 1]!;
}

/** Splits identifiers such as `get_weather`, `get-sum` or `getWeather` into lower-case words. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}
