import type { RouteOutput } from "../graph/index.js";
import { analyze, withPlaces, type Analysis } from "./analysis.js";
import { expressionTasks, wordProblemTask } from "./arithmetic.js";
import type { Catalog } from "./catalog.js";
import { callTool, directCall, fillArgs, operandArgs } from "./generic/calls.js";
import { genericTask } from "./generic/route.js";
import { bareName, noToolFits } from "./reply.js";
import { nextStep, type Observation, type Step } from "./steps.js";
import { isRefusal, type Placed, type Refusal, type Slot, type Task } from "./tasks.js";
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
    const generic = genericTask(analysis, catalog);
    if (typeof generic === "string") return noToolFits(catalog, generic);
    if (generic) return generic;
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
