import type { ParamProfile, ToolProfile } from "../catalog.js";
import { identifierWords, singular, STOPWORDS } from "../text.js";
import { describedExamples } from "./examples.js";
import { CHOICE_CUES, NAME_WORDS, PLACE_WORDS, TEXT_WORDS, TIME_UNITS, VERBS, type ActionKind } from "./words.js";

/** What kind of value a parameter takes, read from its name, type and description. */
export type SlotRole = "place" | "name" | "text" | "email" | "url" | "path" | "glob" | "date" | "identifier" | "language" | "year" | "expression" | "plain";

/** How one parameter is filled: its type, its role and the words that point at its value. */
export interface SlotSpec {
  name: string;
  required: boolean;
  type: "string" | "integer" | "number" | "boolean" | "array" | "object" | "unknown";
  itemType?: SlotSpec["type"];
  role: SlotRole;
  /** Words of the parameter's name, singular ("start_year" → start, year). */
  words: string[];
  /** Content words of its description. */
  described: Set<string>;
  /** Its values, from `enum` or from a closed list its description quotes ("Choices are 'a' or 'b'"). */
  choices?: Array<string | number>;
  /** Values its description offers by example, an open list ("such as 'floral', 'smoky'"). */
  examples?: string[];
  /** The date format its description names ("MM-DD-YYYY"). */
  dateFormat?: string;
  /** The unit of time the description asks for, in seconds ("in seconds" → 1). */
  timeUnit?: number;
  /** The description's example gives a region after the place ("San Francisco, CA"). */
  regionFormat: boolean;
  /** A share written as a fraction ("interest rate" given as 5% is 0.05). */
  fraction: boolean;
}

/** One tool's intent: the action it performs, the words that ask for it, and its slots. */
export interface IntentSpec {
  tool: ToolProfile;
  /** The verb its name opens with, if any ("list_directory" → list). */
  verb?: { word: string; group: number };
  /** Whether it changes anything: from its annotations when it has them, else from its verb. */
  kind?: ActionKind;
  /** Verbs its description uses ("Create a new file or overwrite…" → create, overwrite). */
  describedVerbs: Set<string>;
  /** Content word → weight: its name's words weigh 3, its description's 1. */
  cues: Map<string, number>;
  slots: SlotSpec[];
}

const specs = new WeakMap<ToolProfile, IntentSpec>();

/** The tool's intent spec, derived from its definition once. */
export function intentSpec(tool: ToolProfile): IntentSpec {
  let spec = specs.get(tool);
  if (!spec) {
    spec = buildSpec(tool);
    specs.set(tool, spec);
  }
  return spec;
}

function buildSpec(tool: ToolProfile): IntentSpec {
  // Names are verb_noun, often after a namespace ("music_composer_create_mix"); a verb's form at the end is the noun ("team_schedule").
  // After a noun and before another verb, a verb's form is a noun too ("hardware_store_find_nearby", "price_change_estimate").
  const verbWord = tool.nameWords.find((w, i, all) => VERBS.has(w) && (i < all.length - 1 || all.length === 1) && !(i > 0 && !VERBS.has(all[i - 1]!) && VERBS.has(all[i + 1] ?? "")));
  const verb = verbWord ? { word: verbWord, group: VERBS.get(verbWord)!.group } : undefined;
  const annotated = tool.annotations;
  let kind: ActionKind | undefined = verbWord ? VERBS.get(verbWord)!.kind : undefined;
  if (annotated?.readOnlyHint === true) kind = "read";
  else if (annotated?.readOnlyHint === false || annotated?.destructiveHint === true) kind = "write";
  const cues = new Map<string, number>();
  for (const [word, weight] of tool.lexicon) cues.set(word, weight);
  for (const word of tool.nameWords) cues.set(singular(word), 3);
  // A file tool's strings that say nothing of themselves ("source", "destination") are paths.
  const onFiles = tool.nameWords.some((w) => /^(?:file|files|directory|dir|folder|path)$/.test(w));
  const slots = tool.params.map(slotSpec).map((slot) => (onFiles && ["plain", "place"].includes(slot.role) && slot.type === "string" ? { ...slot, role: "path" as const } : slot));
  const describedVerbs = new Set((tool.description.toLowerCase().match(/[a-z]+/g) ?? []).filter((w) => VERBS.has(w)));
  return { tool, ...(verb ? { verb } : {}), ...(kind ? { kind } : {}), describedVerbs, cues, slots };
}

const DATE_FORMAT = /\b(?:YYYY-MM-DD|MM-DD-YYYY|DD-MM-YYYY|MM\/DD\/YYYY|DD\/MM\/YYYY|YYYY\/MM\/DD)\b/i;

/** "month-day-year" in a description is MM-DD-YYYY. */
const DATE_PARTS: Record<string, string> = { year: "YYYY", month: "MM", day: "DD" };

function typeOf(types: string[]): SlotSpec["type"] {
  for (const type of ["integer", "number", "boolean", "array", "object", "string"] as const) if (types.includes(type)) return type;
  return "unknown";
}

function slotSpec(param: ParamProfile): SlotSpec {
  // "place1" → place, 1: numbered parameters take their values in order.
  const words = identifierWords(param.name).flatMap((w) => w.split(/(?<=\D)(?=\d)/)).map(singular);
  const described = new Set((param.description.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w)).map(singular));
  const type = typeOf(param.types);
  const choices = (param.enumValues ?? param.itemEnum)?.filter((v): v is string | number => typeof v === "string" || typeof v === "number") ?? quotedChoices(param.description);
  const examples = type === "string" || type === "array" ? describedExamples(param.description) : [];
  const has = (set: Set<string>) => words.some((w) => set.has(w));
  const says = (pattern: RegExp) => pattern.test(param.name) || pattern.test(param.description);
  let role: SlotRole = "plain";
  if (type === "string" || type === "array" || type === "unknown") {
    if (type === "string" && /^(?:function|expression|equation|formula|func)$/i.test(param.name)) role = "expression";
    else if ((/e-?mail|^(?:to|cc|bcc|from)$/i.test(param.name) || /e-?mail address|recipient/i.test(param.description)) && !has(TEXT_WORDS)) role = "email";
    else if (says(/\burl\b|\buri\b|link|endpoint/i)) role = "url";
    else if (says(/glob|pattern|wildcard/i) && !has(TEXT_WORDS)) role = "glob";
    else if (says(/\bpaths?\b|\bfiles?\b|\bdirector(?:y|ies)\b|\bfolders?\b/i) && !has(TEXT_WORDS)) role = "path";
    else if (words.includes("language") || words.includes("lang")) role = "language";
    else if (says(/\bdate\b|\bday\b|when/i) && !has(TEXT_WORDS)) role = "date";
    else if (words.some((w) => /^(?:id|uuid|identifier|code|number|sku|mpn|isbn)$/.test(w))) role = "identifier";
    else if (has(TEXT_WORDS)) role = "text";
    else if (has(PLACE_WORDS)) role = "place";
    else if (has(NAME_WORDS)) role = "name";
  } else if ((type === "integer" || type === "number") && (words.includes("year") || (words.includes("date") && type === "integer"))) role = "year";
  const dateFormat = DATE_FORMAT.exec(param.description.replace(/\b(year|month|day)-(year|month|day)-(year|month|day)\b/i, (...parts: string[]) => parts.slice(1, 4).map((p) => DATE_PARTS[p.toLowerCase()]).join("-")));
  const unit = Object.entries(TIME_UNITS).find(([name]) => new RegExp(`\\b(?:in|of) ${name}s?\\b`, "i").test(param.description));
  return {
    name: param.name,
    required: param.required,
    type,
    ...(type === "array" ? { itemType: param.numberArray ? "number" : "string" } : {}),
    role,
    words,
    described,
    ...(choices && choices.length > 0 ? { choices } : examples.length > 0 ? { examples } : {}),
    ...(unit ? { timeUnit: unit[1] } : {}),
    ...(dateFormat ? { dateFormat: dateFormat[0].toUpperCase() } : {}),
    regionFormat: /\b\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)*, \p{Lu}{2}\b/u.test(param.description),
    fraction: (type === "number" && words.some((w) => /^(?:rate|ratio|fraction|probability|share)$/.test(w))) || /\bdecimal\b/i.test(param.description),
  };
}

/** "The method to use. Choices are 'trapezoid' or 'simpson'." → trapezoid, simpson. */
function quotedChoices(description: string): string[] | undefined {
  if (!CHOICE_CUES.test(description)) return undefined;
  const quoted = [...description.matchAll(/'([^']{1,40})'|"([^"]{1,40})"/g)].map((m) => (m[1] ?? m[2])!);
  return quoted.length >= 2 ? quoted : undefined;
}
