import type { Catalog } from "./catalog.js";
import type { Operation } from "./plan.js";
import type { Refusal } from "./tasks.js";
import { identifierWords } from "./text.js";

/** Operations as a user says them: the verb, and what a question needs ("a division"). */
export const OPERATION_WORDS: Record<Operation, { verb: string; need: string }> = {
  add: { verb: "add", need: "an addition" },
  subtract: { verb: "subtract", need: "a subtraction" },
  multiply: { verb: "multiply", need: "a multiplication" },
  divide: { verb: "divide", need: "a division" },
  power: { verb: "raise to a power", need: "a power" },
};

const ORDER: Operation[] = ["add", "subtract", "multiply", "divide", "power"];

function joined(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** A tool's name as its server gives it, without the bridge's server prefix. */
export function bareName(name: string): string {
  const at = name.indexOf("__");
  return at === -1 ? name : name.slice(at + 2);
}

/** "add and multiply": the arithmetic the tools can do, in words. */
export function arithmeticAbility(catalog: Catalog): string {
  return joined(ORDER.filter((op) => catalog.byOperation.has(op)).map((op) => OPERATION_WORDS[op].verb));
}

/** Everything the tools can do, in words, with no tool's internal name. */
export function abilities(catalog: Catalog): string {
  const parts: string[] = [];
  const arithmetic = arithmeticAbility(catalog);
  if (arithmetic) parts.push(`${arithmetic} numbers`);
  if (catalog.byTopic.has("weather")) parts.push("look up the weather");
  const others = catalog.tools.filter((t) => !t.operation && !t.topics.has("weather"));
  for (const tool of others.slice(0, 4)) parts.push(identifierWords(bareName(tool.name)).join(" "));
  if (others.length > 4) parts.push("a few other things");
  return joined(parts);
}

/** The question needs an operation no tool does: "I can add and multiply, and this needs a division." */
export function needsOperation(catalog: Catalog, op: Operation, working?: string): Refusal {
  const can = arithmeticAbility(catalog);
  const need = OPERATION_WORDS[op].need;
  return {
    reason: `the question needs ${need}${working ? ` (${working})` : ""}, and no tool can ${OPERATION_WORDS[op].verb}`,
    text: can ? `I can ${can}, and this needs ${need}${working ? ` (${working})` : ""}.` : `None of the available tools does arithmetic, and this needs ${need}.`,
  };
}

/** Mathematics beyond the tools' operations (a percentage, a circle): named by the question's own word. */
export function needsMore(catalog: Catalog, cue: string): Refusal {
  const can = arithmeticAbility(catalog);
  return { reason: `"${cue}" needs more than the tools' arithmetic`, text: `I can ${can || "do no arithmetic"}, and "${cue}" needs more than that.` };
}

/** No tool fits; `reason` is for the trace, the user reads what the tools can do. */
export function noToolFits(catalog: Catalog, reason: string): Refusal {
  const can = abilities(catalog);
  return { reason, text: can ? `None of my tools can help with that: I can ${can}.` : "No tools are available to help with that." };
}
