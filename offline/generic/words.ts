/**
 * English vocabulary the generic router reads tools and questions with: data, one table per kind,
 * so a new language or a missed word is a row here and never a branch in code.
 */

/** What a verb does to the world: `read` leaves it as it was, `write` changes it. */
export type ActionKind = "read" | "write";

/** Verb → the group of verbs that mean the same action, and its kind. */
const VERB_GROUPS: Array<{ kind: ActionKind; verbs: string }> = [
  { kind: "read", verbs: "list ls show display enumerate" },
  { kind: "read", verbs: "get fetch retrieve read open view cat print load return obtain lookup provide" },
  { kind: "read", verbs: "find search look locate query grep seek discover" },
  { kind: "read", verbs: "check inspect stat describe info tell" },
  { kind: "read", verbs: "calculate compute estimate determine measure count evaluate analyze analyse predict solve convert" },
  { kind: "read", verbs: "echo repeat say" },
  { kind: "read", verbs: "play listen stream" },
  { kind: "write", verbs: "create make new mkdir add insert register build generate" },
  { kind: "write", verbs: "write save store put record log append" },
  { kind: "write", verbs: "delete remove rm erase drop destroy purge unlink" },
  { kind: "write", verbs: "move mv rename relocate" },
  { kind: "write", verbs: "edit update modify change patch replace set" },
  { kind: "write", verbs: "send post publish email book reserve schedule order buy" },
];

/** Verb → its group number and kind. */
export const VERBS = new Map<string, { group: number; kind: ActionKind }>(
  VERB_GROUPS.flatMap(({ kind, verbs }, group) => verbs.split(" ").map((verb) => [verb, { group, kind }] as const)),
);

/** Words a question uses for what a tool's words name: each also counts as the words it maps to. */
export const SYNONYMS: Record<string, string[]> = {
  folder: ["directory"],
  folders: ["directory"],
  dir: ["directory"],
  mkdir: ["directory"],
  ls: ["directory"],
  cat: ["file"],
  picture: ["image"],
  photo: ["image"],
  rename: ["move"],
  metadata: ["info"],
  // "the contents of X": what a file holds.
  contents: ["file"],
};

/** Words after which a verb's form is a noun ("the record", "a list"). */
export const DETERMINERS = new Set("the a an my your his her its our their this that these those each every any some no".split(" "));

/** Opening words that make a sentence a question, which reads unless a writing verb says otherwise. */
export const QUESTION_WORDS = new Set("what which who whom whose where when how is are was were does do did can could will would".split(" "));

/** Words that join the words of a name ("Leader of the Pack", "Rio de Janeiro"). */
export const NAME_JOINERS = new Set("of the de da del di la le van von du y and &".split(" "));

/** Titles that open a person's name ("Mr. X"). */
export const TITLES = new Set("mr mrs ms dr prof sir st".split(" "));

/** Capitalised labels that name a field, not a thing ("whose ID is 345"). */
export const LABELS = new Set("id uuid url uri sku mpn isbn ip api team".split(" "));

/** Prepositions that introduce a place. */
export const PLACE_PREPOSITIONS = new Set("in at near around from to within inside".split(" "));

/** Parameter words that say the value is a place. */
export const PLACE_WORDS = new Set("location city place town region country state address destination area locality venue where".split(" "));

/** Place words for the region a place lies in ("state" beside "city"). */
export const REGION_WORDS = new Set("country state region province county nation".split(" "));

/** Parameter words that say the value names someone or something. */
export const NAME_WORDS = new Set("name artist author person player team company brand brewery composer singer band museum title".split(" "));

/** Parameter words that say the value is free text to pass on. */
export const TEXT_WORDS = new Set("text message content body phrase sentence prompt query input string note comment".split(" "));

/** Parameter words for the start and the end of a range ("from 1871 to 1945"). */
export const RANGE_START = new Set("start from begin beginning initial min minimum lower low first since source origin old".split(" "));
export const RANGE_END = new Set("end to until final max maximum upper high last finish destination target new".split(" "));

/** Language names → ISO 639-1 codes, for parameters whose values are codes ("es-ES"). */
export const LANGUAGES: Record<string, string> = {
  english: "en",
  spanish: "es",
  french: "fr",
  german: "de",
  italian: "it",
  portuguese: "pt",
  chinese: "zh",
  mandarin: "zh",
  japanese: "ja",
  korean: "ko",
  russian: "ru",
  hindi: "hi",
  indonesian: "id",
  arabic: "ar",
  dutch: "nl",
};

/** Units of time in seconds, to convert a duration to the unit a parameter asks for. */
export const TIME_UNITS: Record<string, number> = { second: 1, sec: 1, minute: 60, min: 60, hour: 3600, day: 86_400, week: 604_800 };

/** Words of a parameter description that say its values are a closed list. */
export const CHOICE_CUES = /\b(?:choices?|options?|one of|either|possible values|can be|supported|allowed)\b/i;

const SUFFIXES = ["ations", "ation", "ically", "ical", "ally", "ness", "ment", "ings", "ing", "ions", "ion", "ers", "er", "ed", "ly", "al", "ics", "ic", "es", "s", "e"];

/** A crude English stem, so "genetically" meets "genetics" and "invented" meets "invention". */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.endsWith("ies") && w.length > 5) w = `${w.slice(0, -3)}y`;
  for (const suffix of SUFFIXES) if (w.endsWith(suffix) && w.length - suffix.length >= 4) return w.slice(0, -suffix.length);
  return w;
}

/** Large US cities → their state's code, for a place parameter whose format is "City, ST" ("Seattle, WA"). */
export const CITY_STATES: Record<string, string> = Object.fromEntries(
  `new york:NY los angeles:CA chicago:IL houston:TX phoenix:AZ philadelphia:PA san antonio:TX san diego:CA dallas:TX san jose:CA
  austin:TX jacksonville:FL fort worth:TX columbus:OH charlotte:NC san francisco:CA indianapolis:IN seattle:WA denver:CO boston:MA
  el paso:TX nashville:TN detroit:MI oklahoma city:OK portland:OR las vegas:NV memphis:TN louisville:KY baltimore:MD milwaukee:WI
  albuquerque:NM tucson:AZ fresno:CA sacramento:CA kansas city:MO atlanta:GA miami:FL raleigh:NC omaha:NE minneapolis:MN
  tulsa:OK cleveland:OH new orleans:LA honolulu:HI pittsburgh:PA cincinnati:OH orlando:FL st. louis:MO salt lake city:UT
  palo alto:CA berkeley:CA oakland:CA`
    .trim()
    .split(/\s*(?<=:[A-Z]{2})\s+/)
    .map((pair) => pair.split(":") as [string, string]),
);

/** A people's adjective → its country, for a country parameter ("Italian history" → Italy). */
export const DEMONYMS: Record<string, string> = Object.fromEntries(
  `german:Germany french:France italian:Italy spanish:Spain portuguese:Portugal chinese:China japanese:Japan korean:Korea indian:India
  russian:Russia english:England british:United Kingdom american:United States canadian:Canada mexican:Mexico brazilian:Brazil
  greek:Greece egyptian:Egypt dutch:Netherlands swedish:Sweden norwegian:Norway polish:Poland irish:Ireland turkish:Turkey
  australian:Australia argentine:Argentina austrian:Austria swiss:Switzerland belgian:Belgium danish:Denmark finnish:Finland`
    .trim()
    .split(/\s+(?=[a-z]+:)/)
    .map((pair) => pair.split(":") as [string, string]),
);

/** Units as written short → the word a description spells out ("12 lbs" is in pounds). */
export const UNIT_WORDS: Record<string, string> = Object.fromEntries(
  "lb:pound lbs:pound kg:kilogram g:gram mg:milligram ft:foot feet:foot m:meter metre:meter km:kilometer mi:mile cm:centimeter mm:millimeter in:inch oz:ounce l:liter litre:liter ml:milliliter s:second sec:second min:minute hr:hour h:hour yr:year c:coulomb"
    .split(" ")
    .map((pair) => pair.split(":") as [string, string]),
);

/** Lower-case kinds of place that follow a name ("the Amazon river"), as a pattern. */
export const GEO_NOUNS = "river|lake|mountains?|island|bay|sea|ocean|valley|county|desert|forest|canyon|falls|peninsula";
