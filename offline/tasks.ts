import type { ToolProfile } from "./catalog.js";
import type { ArithmeticPlan, Operation } from "./plan.js";

/** One thing the question asks for; a question may ask for several (a sum, and the weather in Tokyo). */
export type Task =
  /** `stopAt`: the first step no tool can do; the steps before it still run. */
  | { kind: "arithmetic"; plan: ArithmeticPlan; stopAt?: number }
  | { kind: "call"; tool: ToolProfile; args: Record<string, unknown>; reason: string; place?: string }
  | { kind: "ask"; question: string; reason: string; slot?: Slot }
  /** Which of the places the calls before report as warmer or colder ("colder in A than in B"). */
  | { kind: "compare"; places: string[]; word: string; higher: boolean }
  /** A part of the question no tool can do, said in the user's words beside the answers to the rest. */
  | { kind: "explain"; text: string; reason: string };

/** The input a question stops to ask the user for. */
export type Slot = { kind: "place" } | { kind: "operand"; op: Operation; given: number[] };

/** Why no tool fits: `reason` for the trace, `text` for the user, in the user's words. */
export interface Refusal {
  reason: string;
  text: string;
}

/** A task with where the question asks for it, so several come back in the question's order. */
export interface Placed {
  at: number;
  task: Task;
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === "object" && value !== null && "text" in value && "reason" in value && !("kind" in value);
}
