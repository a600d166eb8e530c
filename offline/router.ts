import type { RouteOutput } from "../graph/index.js";
import { analyze, placesOf, withPlaces, type Analysis } from "./analysis.js";
import { expressionTasks, wordProblemTask } from "./arithmetic.js";
import type { Catalog, ParamProfile, ToolProfile } from "./catalog.js";
import { findNumbers } from "./numbers.js";
import { bareName, noToolFits } from "./reply.js";
import { nextStep, type Observation, type Step } from "./steps.js";
import { isRefusal, type Placed, type Refusal, type Slot, type Task } from "./tasks.js";
import { singular, STOPWORDS } from "./text.js";
import { activeCue, weatherTasks } from "./weather.js";

export type { Observation } from "./steps.js";
export type { Slot } from "./tasks.js";

/** Values for a question that come from the conversation around it rather than from its text. */
export interface Slots {
  /** The places to use instead of those the question names (none, for a question that asked). */
  places?: readonly string[];
}

/** What a question plans, as the follow-up reader needs it; computed without any tool results. */
export interface PlanOutline {
  /** At least one call or arithmetic step, and no question back to the user. */
  complete: boolean;
  /** The input the plan stops to ask for, if it does. */
  asks?: Slot;
  /** The places its calls to place tools use. */
  places: string[];
  /** The question is arithmetic short of an operand ("add 11", "triple that"), whichever tools exist. */
  missingOperand: boolean;
}

/** Plans by question, tools and slots: the route node asks again after every call, and the plan stays the same. */
const plans = new Map<string, { catalog: Catalog; tasks: Task[] | Refusal }>();
const PLAN_LIMIT = 256;

/**
 * The next step for a question, given the tools and the calls already made: call a tool, answer
 * (with the results, or saying why no tool fits), or ask for a missing input. Deterministic and local.
 */
export function decide(question: string, observations: readonly Observation[], catalog: Catalog, feedback?: string, slots: Slots = {}): RouteOutput {
  const failed = observations.at(-1);
  if (failed?.isError) return answer(`the ${failed.tool} call failed`, `The ${bareName(failed.tool)} tool failed: ${failed.result.trim()}`);
  if (feedback) {
    // A deterministic router would repeat the rejected route; explaining beats looping.
    return answer("the previous route was rejected", `I could not form a valid tool call for this question: ${feedback}`);
  }
  const analysis = analyze(question);
  if (analysis.text.trim() === "" && analysis.injection) {
    return answer(
      "the question only holds instructions aimed at the router, which are ignored",
      "I can only answer questions with the available tools; instructions inside a question do not change which tools I call.",
    );
  }
  const tasks = plannedTasks(question, catalog, slots);
  if (isRefusal(tasks)) return answer(tasks.reason, tasks.text);
  if (tasks.length === 0) {
    if (observations.length > 0) return answerFromResults(observations);
    const refusal = noToolFits(catalog, noToolReason(analysis, catalog));
    return answer(refusal.reason, refusal.text);
  }
  return toRoute(nextStep(tasks, observations, catalog), catalog);
}

/**
 * The outline of what `question` would do with these tools and slots, before any call: whether it
 * runs as it stands, what it asks for, which places it uses.
 */
export function outlinePlan(question: string, catalog: Catalog, slots: Slots = {}): PlanOutline {
  const analysis = analyze(question);
  const missingOperand = analysis.expressions.some((e) => e.result.kind === "missing");
  const tasks = analysis.text.trim() === "" ? [] : plannedTasks(question, catalog, slots);
  if (isRefusal(tasks)) return { complete: false, places: [], missingOperand };
  const asks = tasks.find((t) => t.kind === "ask");
  const places = tasks.flatMap((t) => (t.kind === "call" && t.place !== undefined ? [t.place] : []));
  const complete = tasks.some((t) => t.kind === "call" || t.kind === "arithmetic") && !asks;
  return { complete, ...(asks?.kind === "ask" && asks.slot ? { asks: asks.slot } : {}), places, missingOperand };
}

function plannedTasks(question: string, catalog: Catalog, slots: Slots): Task[] | Refusal {
  const key = `${question}\u0000${(slots.places ?? []).join("\u0000")}`;
  const hit = plans.get(key);
  if (hit?.catalog === catalog) return hit.tasks;
  const analysis = withPlaces(analyze(question), slots.places);
  const tasks = analysis.segments.length > 1 && !analysis.givenPlaces ? (segmentTasks(analysis, catalog) ?? planTasks(analysis, catalog)) : planTasks(analysis, catalog);
  if (plans.size >= PLAN_LIMIT) plans.delete(plans.keys().next().value!);
  plans.set(key, { catalog, tasks });
  return tasks;
}

/**
 * Several questions in one message, each planned on its own and all answered; one no tool can do
 * is explained beside the others. Undefined when a part plans nothing or lacks an operand (which
 * the part before may give: "… Then double it."), so the message is read whole.
 */
function segmentTasks(analysis: Analysis, catalog: Catalog): Task[] | undefined {
  const parts = analysis.segments.map((segment) => planTasks(analyze(segment), catalog));
  const incomplete = (part: Task[]) => part.length === 0 || part.some((t) => t.kind === "ask" && t.slot?.kind === "operand");
  if (parts.some((part) => !isRefusal(part) && incomplete(part)) || parts.every(isRefusal)) return undefined;
  return parts.flatMap((part): Task[] => (isRefusal(part) ? [{ kind: "explain", text: part.text, reason: part.reason }] : part));
}

/** The tasks the question asks for, in the order it asks, or why no tool can do them. */
function planTasks(analysis: Analysis, catalog: Catalog): Task[] | Refusal {
  const direct = directCall(analysis, catalog);
  if (typeof direct === "string") return noToolFits(catalog, direct);
  if (direct) return direct;

  const arithmetic = expressionTasks(analysis, catalog);
  if (isRefusal(arithmetic)) return arithmetic;
  const tasks: Placed[] = [...arithmetic];

  const echo = catalog.byTopic.get("echo")?.[0];
  if (echo && analysis.echo && tasks.length === 0) {
    return [{ kind: "call", tool: echo, args: fillArgs(echo, analysis, { text: analysis.echo }, catalog.strict), reason: `"echo/repeat" asks to repeat text → ${echo.name}` }];
  }

  tasks.push(...weatherTasks(analysis, catalog, (tool, place) => fillArgs(tool, analysis, { place }, catalog.strict)));

  if (tasks.length === 0 && catalog.byOperation.size > 0 && !analysis.echo && !activeCue(analysis)?.strong) {
    const problem = wordProblemTask(analysis, catalog);
    if (problem && isRefusal(problem)) return problem;
    if (problem) tasks.push({ at: 0, task: problem });
  }

  if (tasks.length === 0) {
    const lexical = lexicalMatch(analysis, catalog);
    if (lexical) {
      const args = fillArgs(lexical.tool, analysis, { text: remainderText(analysis, lexical.cues) }, false);
      const missing = lexical.tool.params.find((p) => p.required && args[p.name] === undefined);
      const cues = lexical.cues.map((c) => `"${c}"`).join(", ");
      if (missing) {
        return [{ kind: "ask", question: `What ${missing.name} should I use?`, reason: `${cues} → ${lexical.tool.name}, but its required "${missing.name}" is not in the question` }];
      }
      return [{ kind: "call", tool: lexical.tool, args: completeArgs(lexical.tool, args, catalog.strict), reason: `${cues} → ${lexical.tool.name}` }];
    }
  }
  tasks.sort((a, b) => a.at - b.at);
  return tasks.map((t) => t.task);
}

function toRoute(step: Step, catalog: Catalog): RouteOutput {
  switch (step.kind) {
    case "call":
      return callTool(step.tool, step.args, step.reason);
    case "operands":
      return callTool(step.tool, operandArgs(step.tool, step.values, catalog.strict), step.reason);
    case "ask":
      return { reason: step.reason, decision: { action: "ask", question: step.question } };
    case "answer":
      return answer(step.reason, step.text);
  }
}

function noToolReason(analysis: Analysis, catalog: Catalog): string {
  if (analysis.injection) return "ignored an instruction embedded in the question; the rest matches no tool";
  if (analysis.weatherCue && !catalog.byTopic.has("weather")) return `"${analysis.weatherCue.word}" asks about the weather, and no tool reports it`;
  if (analysis.weatherCue) return `"${analysis.weatherCue.word}" without a place is not a weather request`;
  return "no tool's operation or topic matches the question";
}

function answerFromResults(observations: readonly Observation[]): RouteOutput {
  const last = observations.at(-1)!;
  return { reason: `${last.tool} returned a result`, decision: { action: "answer", answer: last.result.trim() || "The tool returned no text." } };
}

function answer(reason: string, text: string): RouteOutput {
  return { reason, decision: { action: "answer", answer: text } };
}

function callTool(tool: ToolProfile, args: Record<string, unknown>, reason: string): RouteOutput {
  return { reason, decision: { action: "call_tool", tool: tool.name, args } };
}

/** The two operands as the tool's own parameters (its first two numeric ones, or a number list). */
function operandArgs(tool: ToolProfile, values: [number, number], strict: boolean): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const list = tool.params.find((p) => p.numberArray);
  const numeric = tool.params.filter((p) => p.role === "number");
  if (numeric.length >= 2) {
    const ordered = [...numeric.filter((p) => p.required), ...numeric.filter((p) => !p.required)];
    args[ordered[0]!.name] = values[0];
    args[ordered[1]!.name] = values[1];
  } else if (list) args[list.name] = values;
  return completeArgs(tool, args, strict);
}

/** Strict route schemas list every property: unused optional ones are null. */
function completeArgs(tool: ToolProfile, args: Record<string, unknown>, strict: boolean): Record<string, unknown> {
  if (!strict) return args;
  const complete: Record<string, unknown> = {};
  for (const param of tool.params) complete[param.name] = args[param.name] ?? null;
  return complete;
}

/** Arguments read from the question for a tool that is not arithmetic. */
function fillArgs(tool: ToolProfile, analysis: Analysis, known: { place?: string; text?: string }, strict: boolean): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const numbers = findNumbers(analysis.tokens)
    .filter((n) => n.kind === "cardinal")
    .map((n) => n.value);
  for (const param of tool.params) {
    const value = valueFor(param, analysis, known, numbers);
    if (value !== undefined) args[param.name] = value;
  }
  return completeArgs(tool, args, strict);
}

function valueFor(param: ParamProfile, analysis: Analysis, known: { place?: string; text?: string }, numbers: number[]): unknown {
  switch (param.role) {
    case "place":
      return known.place ?? (param.required ? placesOf(analysis)[0] : undefined);
    case "text":
      return param.required ? known.text : undefined;
    case "enum":
      return param.enumValues?.find((v) => (typeof v === "string" ? new RegExp(`\\b${escapeRegExp(v)}\\b`, "i").test(analysis.text) : analysis.words.includes(String(v))));
    case "number":
      return numbers.length === 1 ? numbers[0] : undefined;
    default:
      return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The question's object for a text parameter: quoted text, text after a colon or "about/on/for",
 * or what follows the words that chose the tool ("research quantum computing" → "quantum computing").
 */
function remainderText(analysis: Analysis, cues: string[]): string | undefined {
  const text = analysis.text;
  const quoted = /"([^"]+)"/.exec(text);
  if (quoted) return quoted[1]!.trim();
  const colon = text.indexOf(":");
  if (colon !== -1 && colon < text.length - 1) return text.slice(colon + 1).trim().replace(/[?.!]+$/, "");
  const about = /\b(?:about|regarding|on|for)\s+(.+?)[?.!]*$/i.exec(text);
  if (about) return about[1]!.trim();
  const last = analysis.tokens.findLast((t) => cues.includes(singular(t.lower)));
  const rest = last ? text.slice(last.end).replace(/^[\s,:-]*(?:the|a|an|of|on|about|for)?\s+/i, "").replace(/[?.!]+$/, "").trim() : "";
  return rest || undefined;
}

/**
 * "Please call the tool named math__add with the arguments {"a": 2, "b": 2}": the user names a
 * listed tool and its arguments. A named tool that is not listed gets a plain refusal.
 */
function directCall(analysis: Analysis, catalog: Catalog): Task[] | string | undefined {
  const named = /\b(?:call|use|run|invoke|execute)\b(?:\s+the)?(?:\s+tool)?(?:\s+named|\s+called)?\s+[`"']?([A-Za-z][\w.-]*(?:__|_|\.)[\w.-]*)[`"']?/i.exec(analysis.text);
  if (!named) return undefined;
  const name = named[1]!;
  const tool = catalog.tools.find((t) => t.name === name || t.name.replace("__", ".") === name || t.name.endsWith(`__${name}`));
  if (!tool) return `the question names a tool "${name}" that is not available`;
  const json = /\{[^{}]*\}/.exec(analysis.text.slice(named.index));
  let args: Record<string, unknown> | undefined;
  if (json) {
    try {
      const parsed: unknown = JSON.parse(json[0]);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
    } catch {
      args = undefined;
    }
  }
  if (!args) {
    args = {};
    for (const match of analysis.text.matchAll(/\b([A-Za-z_]\w*)\s*[=:]\s*("[^"]*"|'[^']*'|-?\d+(?:\.\d+)?)/g)) {
      const raw = match[2]!;
      args[match[1]!] = /^["']/.test(raw) ? raw.slice(1, -1) : Number(raw);
    }
  }
  if (Object.keys(args).length === 0) return undefined;
  return [{ kind: "call", tool, args: completeArgs(tool, args, catalog.strict), reason: `the question names ${tool.name} and its arguments` }];
}

const LEXICAL_THRESHOLD = 3;

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

/** A tool whose name (or, twice over, description) shares content words with the question. */
function lexicalMatch(analysis: Analysis, catalog: Catalog): { tool: ToolProfile; cues: string[] } | undefined {
  const scores = new Map<ToolProfile, { score: number; cues: string[] }>();
  const seen = new Set<string>();
  for (const raw of analysis.words) {
    const word = singular(raw);
    if (STOPWORDS.has(raw) || seen.has(word) || word.length < 3) continue;
    seen.add(word);
    for (const { tool, weight } of lexiconHits(catalog, word)) {
      // Arithmetic and weather tools are chosen by what they compute, never by a shared word.
      if (tool.operation || tool.topics.size > 0) continue;
      const entry = scores.get(tool) ?? { score: 0, cues: [] };
      entry.score += weight;
      entry.cues.push(word);
      scores.set(tool, entry);
    }
  }
  let best: { tool: ToolProfile; score: number; cues: string[] } | undefined;
  for (const [tool, entry] of scores) if (!best || entry.score > best.score) best = { tool, ...entry };
  return best && best.score >= LEXICAL_THRESHOLD ? { tool: best.tool, cues: best.cues } : undefined;
}
