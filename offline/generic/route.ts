import type { Catalog, ToolProfile } from "../catalog.js";
import { singular, STOPWORDS } from "../text.js";
import { completeArgs, type GenericTask, type Reading } from "./calls.js";
import { fillSlots } from "./fill.js";
import { findSpans } from "./spans.js";
import { intentSpec, type IntentSpec, type SlotSpec } from "./spec.js";
import { DETERMINERS, QUESTION_WORDS, stem, SYNONYMS, VERBS, type ActionKind } from "./words.js";

/** Content cues a tool needs from the question before its verb or anything else counts. */
const CUE_THRESHOLD = 3;
/** A verb of the tool's name in the question: less than a content word, more for the very word. */
const VERB_BONUS = 2;
const SAME_VERB_BONUS = 1;
/** A value of the form a tool's required parameter takes (a path for a path). */
const VALUE_BONUS = 3;

/** Exact hits, plus tool-name abbreviations the word starts with ("environment" → "env"). */
function lexiconHits(catalog: Catalog, word: string): Array<{ tool: ToolProfile; weight: number }> {
  const hits = [...(catalog.lexicon.get(word) ?? [])];
  for (let length = 3; length < Math.min(word.length, 7); length++) {
    for (const hit of catalog.lexicon.get(word.slice(0, length)) ?? []) {
      if (hit.weight >= 3 && !hits.some((h) => h.tool === hit.tool && h.weight >= 2)) hits.push({ tool: hit.tool, weight: 2 });
    }
  }
  return hits;
}

/** The question's action: the kind of its first verb outside quotes; a question asks to read. */
function questionAction(text: string): { kind: ActionKind | undefined; groups: Set<number>; words: Set<string> } {
  let plain = text;
  for (const span of findSpans(text)) if (span.kind === "quoted") plain = plain.slice(0, span.start) + " ".repeat(span.end - span.start) + plain.slice(span.end);
  const words = plain.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  const groups = new Set<number>();
  const used = new Set<string>();
  let kind: ActionKind | undefined;
  for (const [i, word] of words.entries()) {
    const verb = VERBS.get(word);
    // "the schedule", "a list": after a determiner the word is a noun.
    if (!verb || DETERMINERS.has(words[i - 1] ?? "")) continue;
    groups.add(verb.group);
    used.add(word);
    // The first verb is the request; later ones belong to its details ("a recipe that takes 30 minutes to make").
    kind ??= verb.kind;
  }
  if (!kind && QUESTION_WORDS.has(words[0] ?? "")) kind = "read";
  return { kind, groups, words: used };
}

/** Words the question's spans imply: a file name means a file, a glob a search for files. */
function impliedWords(text: string): string[] {
  const implied: string[] = [];
  for (const span of findSpans(text)) {
    if (span.kind === "path" && /\.\w{1,5}$/.test(span.text)) implied.push("file");
    if (span.kind === "path" && !/\.\w{1,5}$/.test(span.text)) implied.push("path");
    // "what is inside /srv/data": a path without an extension that things are inside is a directory.
    if (span.kind === "path" && !/\.\w{1,5}$/.test(span.text) && /\b(?:inside|within|under|beneath)\s*$/i.test(text.slice(0, span.start))) implied.push("directory");
    if (span.kind === "glob") implied.push("file", "pattern");
  }
  return implied;
}

interface Scored {
  spec: IntentSpec;
  cues: string[];
  score: number;
  /** Words of the tool's name the question has (a tie goes to the tool it names more of). */
  named: number;
  coverage: number;
}

/** The tools the question's words point at, best first; a read question never gets a writing tool. */
function rankTools(reading: Reading, catalog: Catalog): { ranked: Scored[]; refused: ToolProfile[] } {
  const action = questionAction(reading.text);
  const scores = new Map<ToolProfile, { score: number; cues: string[]; named: number }>();
  const seen = new Set<string>();
  const words = [...reading.words, ...reading.words.flatMap((w) => SYNONYMS[w] ?? []), ...impliedWords(reading.text)];
  for (const raw of words) {
    const word = stem(singular(raw));
    if (STOPWORDS.has(raw) || seen.has(word) || word.length < 3) continue;
    seen.add(word);
    for (const { tool, weight } of lexiconHits(catalog, word)) {
      // Arithmetic and weather tools are chosen by what they compute, never by a shared word.
      if (tool.operation || tool.topics.size > 0) continue;
      const entry = scores.get(tool) ?? { score: 0, cues: [], named: 0 };
      if (weight >= 3 && !action.words.has(raw)) entry.named++;
      // A verb says what is done, not to what: it counts as a description word wherever it stands.
      entry.score += action.words.has(raw) ? 1 : weight;
      entry.cues.push(word);
      scores.set(tool, entry);
    }
  }
  // A path, URL or email in the question points at the tools its words already name that take one.
  const forms = new Set(findSpans(reading.text).map((span) => span.kind));
  for (const [tool, entry] of scores) if (intentSpec(tool).slots.some((slot) => slot.required && slot.type === "string" && ["path", "url", "email"].includes(slot.role) && forms.has(slot.role as never))) entry.score += VALUE_BONUS;
  const ranked: Scored[] = [];
  const refused: ToolProfile[] = [];
  for (const [tool, entry] of scores) {
    const spec = intentSpec(tool);
    const verbMatch = spec.verb !== undefined && action.groups.has(spec.verb.group);
    // The tool's own verb counts as a cue once its content words are in the question too.
    if (entry.score + (verbMatch ? VERB_BONUS : 0) < CUE_THRESHOLD + (verbMatch ? 1 : 0)) continue;
    if (action.kind && spec.kind && action.kind !== spec.kind) {
      refused.push(tool);
      continue;
    }
    const verb = (verbMatch ? VERB_BONUS + (action.words.has(spec.verb!.word) ? SAME_VERB_BONUS : 0) : 0) + [...action.words].filter((w) => spec.describedVerbs.has(w)).length;
    const named = tool.nameWords.filter((w) => !STOPWORDS.has(w));
    const coverage = named.filter((w) => entry.cues.includes(stem(singular(w))) || action.groups.has(VERBS.get(w)?.group ?? -1)).length / Math.max(1, named.length);
    ranked.push({ spec, cues: spec.verb && verbMatch ? [spec.verb.word, ...entry.cues] : entry.cues, score: entry.score + verb, named: entry.named, coverage });
  }
  ranked.sort((a, b) => b.score - a.score || b.named - a.named || b.coverage - a.coverage);
  return { ranked, refused };
}

/** A tool's name as words a person would say ("list_directory" → "list directory"). */
export function toolWords(tool: ToolProfile): string {
  return tool.nameWords.join(" ");
}

/** A slot's name as words ("city_name" → "city name"). */
function slotWords(slot: SlotSpec): string {
  return slot.words.join(" ");
}

/**
 * The step for a question that no arithmetic or weather reading took: the tool its words point at
 * with every required argument found, a question for what is missing, a reason why no tool fits
 * (a string), or undefined when no tool is near.
 */
export function genericTask(reading: Reading, catalog: Catalog): GenericTask[] | string | undefined {
  const { ranked, refused } = rankTools(reading, catalog);
  const best = ranked[0];
  if (!best) {
    return refused.length > 0 ? `the question asks to read or look something up, and the tools that match it (${refused.map(toolWords).join(", ")}) change things` : undefined;
  }
  const tied = ranked.filter((r) => r.score === best.score && r.named === best.named && r.coverage === best.coverage);
  let chosen = best;
  let filling = fillSlots(best.spec, reading.text);
  if (tied.length > 1) {
    // Tools the words fit equally well: the question's values decide, when they complete exactly one of them.
    const complete = tied.map((r) => ({ r, filling: fillSlots(r.spec, reading.text) })).filter((t) => t.filling.missing.length === 0 && t.filling.unsure.length === 0);
    // Several complete: the plainest, whose name says least beyond the question ("read_file" over "read_text_file").
    const fewest = Math.min(...complete.map((t) => t.r.spec.tool.nameWords.length));
    if (complete.filter((t) => t.r.spec.tool.nameWords.length === fewest).length === 1) complete.splice(0, complete.length, ...complete.filter((t) => t.r.spec.tool.nameWords.length === fewest));
    if (complete.length !== 1) return `the question fits ${toolWords(best.spec.tool)} and ${toolWords(tied[1]!.spec.tool)} equally well`;
    ({ r: chosen, filling } = complete[0]!);
  }
  const tool = chosen.spec.tool;
  const cues = chosen.cues.map((c) => `"${c}"`).join(", ");
  if (filling.missing.length > 0) {
    const wanted = filling.missing.map(slotWords);
    const list = wanted.length === 1 ? wanted[0]! : `${wanted.slice(0, -1).join(", ")} and ${wanted.at(-1)}`;
    return [
      {
        kind: "ask",
        question: `To ${toolWords(tool)} I need the ${list}, which the question does not give. What ${wanted.length === 1 ? "is it" : "are they"}?`,
        reason: `${cues} → ${tool.name}, but the question gives no ${list}`,
      },
    ];
  }
  if (filling.unsure.length > 0) return `${cues} → ${tool.name}, but ${filling.unsure.join("; ")}`;
  const evidence = filling.evidence.length > 0 ? ` (${filling.evidence.join("; ")})` : "";
  return [{ kind: "call", tool, args: completeArgs(tool, filling.args, catalog.strict), reason: `${cues} → ${tool.name}${evidence}` }];
}
