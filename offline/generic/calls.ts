import type { RouteOutput } from "../../graph/index.js";
import type { Catalog, ParamProfile, ToolProfile } from "../catalog.js";
import { findNumbers } from "../numbers.js";
import { escapeRegExp, type Token } from "../text.js";

/** What the router reads from a question, as far as the generic part needs it. */
export interface Reading {
  text: string;
  tokens: Token[];
  words: string[];
}

/** A step for a tool known only by its definition: call it, or ask for what is missing. */
export type GenericTask =
  | { kind: "call"; tool: ToolProfile; args: Record<string, unknown>; reason: string }
  | { kind: "ask"; question: string; reason: string };


/** A route that calls `tool` with `args`. */
export function callTool(tool: ToolProfile, args: Record<string, unknown>, reason: string): RouteOutput {
  return { reason, decision: { action: "call_tool", tool: tool.name, args } };
}

/** Strict route schemas list every property: unused optional ones are null. */
export function completeArgs(tool: ToolProfile, args: Record<string, unknown>, strict: boolean): Record<string, unknown> {
  if (!strict) return args;
  const complete: Record<string, unknown> = {};
  for (const param of tool.params) complete[param.name] = args[param.name] ?? null;
  return complete;
}

/** The two operands as the tool's own parameters (its first two numeric ones, or a number list). */
export function operandArgs(tool: ToolProfile, values: [number, number], strict: boolean): Record<string, unknown> {
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

/** Arguments for a tool the router chose by what it does (weather, echo), given the value it chose it for. */
export function fillArgs(tool: ToolProfile, reading: Reading, known: { place?: string; text?: string }, strict: boolean): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const numbers = findNumbers(reading.tokens)
    .filter((n) => n.kind === "cardinal")
    .map((n) => n.value);
  for (const param of tool.params) {
    const value = valueFor(param, reading, known, numbers);
    if (value !== undefined) args[param.name] = value;
  }
  return completeArgs(tool, args, strict);
}

function valueFor(param: ParamProfile, reading: Reading, known: { place?: string; text?: string }, numbers: number[]): unknown {
  switch (param.role) {
    case "place":
      return known.place;
    case "text":
      return param.required ? known.text : undefined;
    case "enum":
      return param.enumValues?.find((v) => (typeof v === "string" ? new RegExp(`\\b${escapeRegExp(v)}\\b`, "i").test(reading.text) : reading.words.includes(String(v))));
    case "number":
      return numbers.length === 1 ? numbers[0] : undefined;
    default:
      return undefined;
  }
}

/**
 * The user names a listed tool and gives its arguments, as JSON or as name=value pairs. A named tool
 * that is not listed gets a plain refusal.
 */
export function directCall(reading: Pick<Reading, "text">, catalog: Catalog): GenericTask[] | string | undefined {
  const named = /\b(?:call|use|run|invoke|execute)\b(?:\s+the)?(?:\s+tool)?(?:\s+named|\s+called)?\s+[`"']?([A-Za-z][\w.-]*(?:__|_|\.)[\w.-]*)[`"']?/i.exec(reading.text);
  if (!named) return undefined;
  const name = named[1]!;
  const tool = catalog.tools.find((t) => t.name === name || t.name.replace("__", ".") === name || t.name.endsWith(`__${name}`));
  if (!tool) return `the question names a tool "${name}" that is not available`;
  const json = /\{[^{}]*\}/.exec(reading.text.slice(named.index));
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
    for (const match of reading.text.matchAll(/\b([A-Za-z_]\w*)\s*[=:]\s*("[^"]*"|'[^']*'|-?\d+(?:\.\d+)?)/g)) {
      const raw = match[2]!;
      args[match[1]!] = /^["']/.test(raw) ? raw.slice(1, -1) : Number(raw);
    }
  }
  if (Object.keys(args).length === 0) return undefined;
  return [{ kind: "call", tool, args: completeArgs(tool, args, catalog.strict), reason: `the question names ${tool.name} and its arguments` }];
}
