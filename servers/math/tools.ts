import { z } from "zod";
import { defineTool, type RegisteredTool } from "../shared/tool.js";

/**
 * An integer argument. The message names the argument and the fix, because a model reads it:
 * JSON numbers beyond ±(2^53 − 1) have already been rounded by the time they reach us, so they are
 * refused rather than computed on wrongly.
 */
function integerArgument(name: string, description: string) {
  return z
    .int({
      error: (issue) => {
        if (issue.input === undefined) return `${name} is required`;
        if (typeof issue.input === "string") {
          return `${name} must be a JSON number, not the string ${JSON.stringify(issue.input.slice(0, 40))}`;
        }
        if (typeof issue.input !== "number") return `${name} must be an integer, got ${issue.input === null ? "null" : typeof issue.input}`;
        if (!Number.isFinite(issue.input)) return `${name} must be a finite integer, got ${issue.input}`;
        if (!Number.isInteger(issue.input)) return `${name} must be an integer, got ${issue.input}`;
        return (
          `${name}=${issue.input} is outside the exactly representable range ` +
          `${Number.MIN_SAFE_INTEGER}..${Number.MAX_SAFE_INTEGER}; the value may already have been rounded`
        );
      },
    })
    .describe(description);
}

const OperandsSchema = z.strictObject({
  a: integerArgument("a", "First integer operand, between -9007199254740991 and 9007199254740991"),
  b: integerArgument("b", "Second integer operand, between -9007199254740991 and 9007199254740991"),
});

// Exact for every pair of safe integers: the result may pass 2^53, so compute in BigInt and answer in decimal text.
const exact = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** `add` and `multiply` on integers, answered exactly as decimal text. */
export const mathTools: readonly RegisteredTool[] = [
  defineTool({
    name: "add",
    title: "Add two integers",
    description: "Add two integers exactly. Returns the sum as a decimal integer, e.g. 120.",
    inputSchema: OperandsSchema,
    annotations: { title: "Add two integers", ...exact },
    handler: ({ a, b }) => ({ text: (BigInt(a) + BigInt(b)).toString() }),
  }),
  defineTool({
    name: "multiply",
    title: "Multiply two integers",
    description:
      "Multiply two integers exactly. Returns the product as a decimal integer, exact even beyond 2^53, e.g. 4611686018427387904.",
    inputSchema: OperandsSchema,
    annotations: { title: "Multiply two integers", ...exact },
    handler: ({ a, b }) => ({ text: (BigInt(a) * BigInt(b)).toString() }),
  }),
];
