import { escapeRegExp, singular, STOPWORDS, tokenize } from "../text.js";
import { findSpans, readDate, type Span } from "./spans.js";
import type { IntentSpec, SlotSpec } from "./spec.js";
import { booleanCandidates, type Candidate, choiceCandidates, exampleCandidates, kindOf, modifierCandidates, nameAfterNoun, OPTIONAL_MIN, phraseAfterCue, REQUIRED_MIN, VAGUE } from "./values.js";
import { CITY_STATES, DEMONYMS, GEO_NOUNS, REGION_WORDS, PLACE_PREPOSITIONS, RANGE_END, RANGE_START, TIME_UNITS, TITLES, UNIT_WORDS, VERBS, stem } from "./words.js";

/** "the Danube river", "Crater lake": a lower-case kind of place right after a name. */
const KIND_AFTER_NAME = new RegExp(`^\\s+(${GEO_NOUNS})\\b`);

/** The arguments read for one tool, and the required slots the question leaves open. */
export interface Filling {
  args: Record<string, unknown>;
  missing: SlotSpec[];
  /** Reasons not to trust the reading; a call is made only without any. */
  unsure: string[];
  /** One line per argument: what in the question gave it. */
  evidence: string[];
}

/**
 * Fills the tool's slots from the question: every span (quoted text, a number, a path, a name…) goes
 * to at most one slot, the best-supported pairs first, and a slot takes only a value of its type.
 */
export function fillSlots(spec: IntentSpec, text: string): Filling {
  const spans = findSpans(text);
  const words = new Set(tokenize(text.toLowerCase()).filter((t) => t.kind === "word").map((t) => singular(t.lower)));
  const candidates: Candidate[] = [];
  // "Lyon, France" for a city and a country: the region has a slot of its own.
  const regionSlot = (slot: SlotSpec) => slot.role === "place" && slot.words.some((w) => REGION_WORDS.has(w));
  const regionApart = spec.slots.some(regionSlot) && spec.slots.some((slot) => slot.role === "place" && !regionSlot(slot));
  for (const slot of spec.slots) {
    candidates.push(...exampleCandidates(slot, text, spans), ...choiceCandidates(slot, text, words), ...booleanCandidates(slot, words), ...modifierCandidates(slot, text, spec.cues));
    for (const [index, span] of spans.entries()) {
      const candidate = spanCandidate(slot, span, spans[index - 1], spans[index + 1], text, regionApart);
      if (candidate) candidates.push(candidate);
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  const args: Record<string, unknown> = {};
  const evidence: string[] = [];
  const usedSpans = new Set<Span>();
  const accept = (c: Candidate) => {
    args[c.slot.name] = c.value;
    if (c.span) usedSpans.add(c.span);
    if (c.also) usedSpans.add(c.also);
    evidence.push(`${c.slot.name} ← ${c.why}`);
  };
  for (const c of candidates) {
    if (c.slot.name in args || (c.span && usedSpans.has(c.span)) || (c.also && usedSpans.has(c.also))) continue;
    if (c.score >= (c.slot.required ? REQUIRED_MIN : OPTIONAL_MIN)) accept(c);
  }
  // "between San Francisco and Sydney" for place1 and place2: numbered slots take the names in order.
  for (const kind of ["string", "number"] as const) {
    const numbered = spec.slots.filter((slot) => /^\d$/.test(slot.words.at(-1) ?? "") && kindOf(slot) === kind && !(slot.name in args));
    if (numbered.length < 2 || numbered.length !== spec.slots.filter((slot) => /^\d$/.test(slot.words.at(-1) ?? "") && kindOf(slot) === kind).length) continue;
    const forms: Span["kind"][] = kind === "string" ? ["name", "quoted"] : ["number"];
    const free = spans.filter((span) => forms.includes(span.kind) && !usedSpans.has(span));
    if (free.length === numbered.length) {
      const ordered = [...numbered].sort((a, b) => Number(a.words.at(-1)) - Number(b.words.at(-1)));
      ordered.forEach((slot, i) => {
        const value = kind === "number" ? free[i]!.value : free[i]!.text.replace(/['’]s$/, "");
        if (slot.type !== "integer" || Number.isInteger(value)) accept({ slot, span: free[i]!, value, score: 4, why: `the value number ${i + 1}, "${free[i]!.text}"` });
      });
    }
  }
  // A state slot left open beside a well-known city: its state.
  for (const slot of spec.slots.filter((s) => s.role === "place" && s.words.includes("state") && !(s.name in args) && kindOf(s) === "string")) {
    const city = spec.slots.map((s) => args[s.name]).find((v): v is string => typeof v === "string" && CITY_STATES[v.toLowerCase()] !== undefined);
    if (city) accept({ slot, value: CITY_STATES[city.toLowerCase()], score: 4, why: `the state of ${city}` });
  }
  // One required string slot left open and no name or quote for it: the noun phrase the question asks about.
  const openStrings = spec.slots.filter((s) => s.required && !(s.name in args) && kindOf(s) === "string");
  const unusedValues = spans.filter((span) => ["name", "quoted", "identifier"].includes(span.kind) && !usedSpans.has(span));
  if (openStrings.length === 1 && unusedValues.length === 0) {
    const phrase = nameAfterNoun(openStrings[0]!, text, spec.tool.nameWords) ?? phraseAfterCue(openStrings[0]!, text, spec.tool.nameWords);
    if (phrase && !Object.values(args).includes(phrase.value)) accept(phrase);
  }
  // One required slot of a kind left open and one unused value of that kind: they belong together.
  for (const kind of ["number", "string"] as const) {
    const open = spec.slots.filter((s) => s.required && !(s.name in args) && kindOf(s) === kind && !s.choices);
    const left = candidates.filter((c) => c.span && !usedSpans.has(c.span) && kindOf(c.slot) === kind && c.score > 0 && open.includes(c.slot));
    const spansLeft = new Set(left.map((c) => c.span));
    if (open.length === 1 && spansLeft.size === 1) accept(left[0]!);
  }
  return { args, missing: spec.slots.filter((s) => s.required && !(s.name in args)), unsure: doubts(spec, candidates, args, usedSpans, words), evidence };
}

/**
 * Why the reading may be wrong although every required slot is filled: a number the question gives
 * that no slot took while a number slot stays empty, a slot the question names but that got nothing,
 * or two values that fit one slot equally well.
 */
function doubts(spec: IntentSpec, candidates: Candidate[], args: Record<string, unknown>, used: Set<Span>, words: Set<string>): string[] {
  const found: string[] = [];
  const open = spec.slots.filter((s) => !(s.name in args));
  const unusedNumbers = candidates.filter((c) => c.span?.kind === "number" && !used.has(c.span) && kindOf(c.slot) === "number");
  const openNumbers = open.filter((s) => kindOf(s) === "number");
  if (unusedNumbers.length > 0 && openNumbers.length > 0) found.push(`${unusedNumbers[0]!.span!.text} is given and ${openNumbers[0]!.name} is not filled`);
  // Words of the question no argument took and the tool's name does not explain may be a value for an empty slot.
  const leftover = new Set([...words].filter((w) => w.length > 3 && !STOPWORDS.has(w) && !VERBS.has(w) && !VAGUE.has(w) && !spec.cues.has(w) && !spec.cues.has(stem(w))));
  for (const span of used) for (const w of [...contentWords(span.text), span.unit ?? "", span.after ?? ""]) leftover.delete(w);
  for (const slot of open) {
    // A word the tool's name already explains ("details" of get_order_details) asks for no more than the tool.
    // In a longer name a unit ("trips_per_month") only qualifies it: the question's "a month" does not name the slot.
    const named = slot.words.find((w) => w.length > 2 && !VAGUE.has(w) && words.has(w) && !spec.tool.nameWords.some((n) => stem(singular(n)) === stem(w)) && !(slot.words.length > 1 && isUnit(w)));
    const described = [...slot.described].find((w) => leftover.has(w));
    if (named ?? described) found.push(`the question speaks of "${named ?? described}" and ${slot.name} is not filled`);
    // A list of things to look for left empty while the question names things nothing took ("with X and Y").
    else if (slot.type === "array" && slot.itemType === "string") {
      // Participles ("numbered", "using") describe; the things a list holds are named by other words.
      const thing = [...leftover].find((w) => !/^[a-z]{3,}(?:ed|ing)$/.test(w));
      if (thing) found.push(`"${thing}" may belong in ${slot.name}`);
    }
  }
  for (const slot of spec.slots) {
    const value = args[slot.name];
    if (slot.role === "place" && typeof value === "string" && !value.includes(",") && slot.regionFormat) found.push(`${slot.name} wants a region after the place ("${value}, …")`);
  }
  for (const slot of spec.slots) {
    if (!(slot.name in args) || kindOf(slot) !== "string") continue;
    const mine = candidates.filter((c) => c.slot === slot && c.span);
    const chosen = mine.find((c) => c.value === args[slot.name]);
    const rival = mine.find((c) => c !== chosen && chosen && c.score === chosen.score && !used.has(c.span!));
    if (rival) found.push(`"${String(args[slot.name])}" and "${String(rival.value)}" fit ${slot.name} equally well`);
  }
  return found;
}

const UNITS = new Set([...Object.keys(UNIT_WORDS), ...Object.values(UNIT_WORDS), ...Object.keys(TIME_UNITS), "month", "year", "degree", "dollar", "euro", "mph"]);

/** A unit of measure, short or spelled out. */
const isUnit = (word: string) => UNITS.has(word);

/** How well the words around a span name the slot: its name's words count most. */
function context(slot: SlotSpec, span: Span): number {
  const named = slot.words.filter((w) => !VAGUE.has(w));
  let score = 0;
  if (span.before[0] && named.includes(span.before[0])) score += 4;
  else if (span.before.slice(1, 3).some((w) => named.includes(w))) score += 2;
  if (span.after && named.includes(span.after)) score += 4;
  // "30 minutes" for a time "in minutes": a number's unit spelled as its description spells it.
  else if (span.kind === "number" && span.unit && isUnit(span.unit) && [span.unit, UNIT_WORDS[span.unit]].some((u) => u && u.length > 2 && (slot.described.has(u) || named.includes(u)))) score += 3;
  else if (span.after && slot.described.has(span.after) && span.kind === "number") score += 1;
  if (span.before[0] && slot.described.has(span.before[0]) && !named.includes(span.before[0])) score += 1;
  // "the count of payments made each year is 12": the description's own words lead up to the value.
  if (span.kind === "number" && span.before.filter((w) => slot.described.has(w) && !named.includes(w)).length >= 3) score += 3;
  return score;
}

function spanCandidate(slot: SlotSpec, span: Span, previous: Span | undefined, next: Span | undefined, text: string, regionApart = false): Candidate | undefined {
  const near = context(slot, span);
  const kind = kindOf(slot);
  if (slot.choices && kind !== "number") return undefined;
  if (kind === "number") {
    if (span.kind !== "number" || span.value === undefined) return undefined;
    let value = span.value;
    if (span.percent && slot.fraction) value /= 100;
    const unit = span.unit ? TIME_UNITS[span.unit] : undefined;
    if (unit && slot.timeUnit && unit !== slot.timeUnit) value = (value * unit) / slot.timeUnit;
    if (slot.type === "integer" && !Number.isInteger(value)) return undefined;
    // "a=2, b=5": the parameter named in so many words.
    let score = near + (new RegExp(`(?<![\\w])${escapeRegExp(slot.name)}\\s*[=:]\\s*$`, "i").test(text.slice(Math.max(0, span.start - 40), span.start)) ? 8 : 0);
    // A year's number fills a year slot, even an optional one.
    if (slot.role === "year" && Number.isInteger(value) && value >= 1000 && value <= 2100 && !span.unit) score += 4;
    score += rangeScore(slot, span, previous, next, text);
    return { slot, span, value, score, why: `${span.text}${near > 0 ? ` (next to "${[span.before[0], span.after].filter(Boolean).join('", "')}")` : ""}` };
  }
  if (slot.type === "array") {
    if ((span.kind !== "list" && span.kind !== "numbers") || !span.items) return undefined;
    const numeric = span.items.every((item) => typeof item === "number");
    if (numeric !== (slot.itemType === "number")) return undefined;
    return { slot, span, value: span.items, score: 4 + near, why: `the list ${span.text}` };
  }
  if (kind !== "string") return undefined;
  const value = span.text;
  const wanted: Partial<Record<SlotSpec["role"], Span["kind"][]>> = {
    email: ["email"],
    url: ["url"],
    path: ["path"],
    glob: ["glob"],
    date: ["date"],
  };
  if (slot.role === "expression") return span.kind === "expression" ? { slot, span, value: value.replace(/\^/g, "**"), score: 8, why: `the expression ${value}` } : undefined;
  if (slot.role === "date" && span.kind === "date") {
    const date = formatDate(span.text, slot.dateFormat);
    return date ? { slot, span, value: date, score: 10 + near, why: `the date ${span.text}` } : undefined;
  }
  const forms = wanted[slot.role];
  if (forms) return forms.includes(span.kind) ? { slot, span, value, score: 10 + near + rangeScore(slot, span, previous, next, text), why: `the ${span.kind} ${value}` } : undefined;
  if (["email", "url", "path", "glob", "expression", "numbers"].includes(span.kind)) return undefined;
  const word = wordBefore(text, span.start);
  switch (span.kind) {
    case "quoted":
      return { slot, span, value, score: (slot.role === "text" ? 5 : 2) + near, why: `the quoted "${value}"` };
    case "identifier":
      return { slot, span, value, score: (slot.role === "identifier" ? 5 : 0) + near, why: `the code ${value}` };
    case "number":
      return near > 0 && slot.role === "identifier" ? { slot, span, value, score: 2 + near, why: `the number ${value} as text` } : undefined;
    case "name": {
      const region = slot.role === "place" && !regionApart && next?.kind === "name" && /^,\s*$/.test(text.slice(span.end, next.start)) ? next : undefined;
      const bare = value.replace(/['’]s$/, "");
      // A well-known city where the format asks "City, ST": its state is known.
      const state = slot.regionFormat && !region ? CITY_STATES[bare.toLowerCase()] : undefined;
      // "the Danube river", "Crater lake": a lower-case kind of place after the name belongs to it.
      const kind = slot.role === "place" ? KIND_AFTER_NAME.exec(text.slice(span.end))?.[1] : undefined;
      const name = region ? `${value}, ${region.text}` : state ? `${bare}, ${state}` : kind ? `${bare} ${kind}` : bare;
      // "Louvre Museum" for a museum: the name says what it names.
      const namesItself = slot.words.some((w) => w.length > 2 && !VAGUE.has(w) && value.toLowerCase().split(/\s+/).map(singular).includes(w));
      let score = near + (namesItself ? 4 : 0);
      if (slot.role === "place" && TITLES.has(value.split(/[\s.]/)[0]!.toLowerCase())) return undefined;
      // "Italian history": a people's adjective before a noun is no place, but names the country a country slot asks for.
      const adjective = /^\s+\p{Ll}/u.test(text.slice(span.end)) && (DEMONYMS[value.toLowerCase()] !== undefined || /^\p{Lu}\p{Ll}{2,}(?:ian|ean|ese|ish|ic)$/u.test(value));
      if (slot.role === "place" && adjective) {
        const country = DEMONYMS[value.toLowerCase()];
        return country && slot.words.includes("country") ? { slot, span, value: country, score: 5 + near, why: `"${value}", the people of ${country}` } : undefined;
      }
      if (slot.role === "place") score += PLACE_PREPOSITIONS.has(word) ? 5 : 1;
      if (slot.role === "name") score += ["by", "named", "called"].includes(word) ? 5 : 3;
      // "the Dutch league", "Patent lawsuits": one capitalised word before a common noun qualifies it.
      const following = /^\s+(\p{Ll}+)/u.exec(text.slice(span.end))?.[1];
      if (!/\s/.test(value) && following && !STOPWORDS.has(following) && !kind) score -= 2;
      if (slot.role === "plain" && near === 0) return undefined;
      return { slot, span, ...(region ? { also: region } : {}), value: name, score, why: `the name "${name}"` };
    }
    default:
      return undefined;
  }
}

/** A date in the slot's format ("MM-DD-YYYY", …), as written without one; undefined when its parts are unclear. */
function formatDate(text: string, format: string | undefined): string | undefined {
  if (!format) return text;
  const date = readDate(text);
  if (!date) return undefined;
  const parts: Record<string, string> = { YYYY: String(date.year), MM: String(date.month).padStart(2, "0"), DD: String(date.day).padStart(2, "0") };
  return format.replace(/YYYY|MM|DD/g, (part) => parts[part]!);
}

/** The lower-case word right before `at`, or "". */
function wordBefore(text: string, at: number): string {
  return /([\p{L}]+)[\s,]*$/u.exec(text.slice(Math.max(0, at - 30), at))?.[1]?.toLowerCase() ?? "";
}

/** "from 1871 to 1945", "a.txt to b.txt": the first of two values is where a range (or a move) starts, the second where it ends. */
function rangeScore(slot: SlotSpec, span: Span, previous: Span | undefined, next: Span | undefined, text: string): number {
  const starts = slot.words.some((w) => RANGE_START.has(w));
  const ends = slot.words.some((w) => RANGE_END.has(w));
  if (starts === ends) return 0;
  const joined = (a: Span, b: Span) => a.kind === b.kind && /^\s*(?:to|and|through|until|into|as|-|->)\s*(?:x\s*=\s*)?$/i.test(text.slice(a.end, b.start));
  if (starts && next && joined(span, next)) return 5;
  if (ends && previous && joined(previous, span)) return 5;
  return 0;
}

/** Exposed for the golden cases: which words of the question count as content. */
export function contentWords(text: string): string[] {
  return tokenize(text.toLowerCase()).filter((t) => t.kind === "word" && !STOPWORDS.has(t.lower)).map((t) => singular(t.lower));
}
