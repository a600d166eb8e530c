import type { ElicitRequest, ElicitRequestFormParams, ElicitRequestURLParams, ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import type { JsonSchemaObject } from "./types.js";
import { validateAgainst } from "./validation.js";

/** What a server asks with `elicitation/create`: form mode (`requestedSchema`) or URL mode. */
export type ElicitationParams = ElicitRequest["params"];
export type { ElicitRequestFormParams, ElicitRequestURLParams, ElicitResult };

/**
 * Answers a server's `elicitation/create`: `{ action: "accept", content }`, `{ action: "decline" }` or
 * `{ action: "cancel" }`. `context.signal` fires when the server withdraws the question (it cancelled
 * the request, or the call behind it ended) or the client closes.
 */
export type ElicitationHandler = (server: string, params: ElicitationParams, context: { signal: AbortSignal }) => Promise<ElicitResult>;

/** How long a question may wait for its answer before the server is told "cancel": a person who walked away. */
export const MAX_ELICITATION_WAIT_MS = 10 * 60_000;

/**
 * The answer as the server gets it. An accepted form has the schema's defaults for the fields the
 * person left out (SEP-1034: a default is what the form shows pre-filled, so an untouched field means
 * it) and must then match the requested schema; anything but accept carries no content.
 * @throws {TypeError} naming the field when accepted content does not match the schema.
 */
export function completeElicitResult(params: ElicitationParams, result: ElicitResult): ElicitResult {
  if (result.action !== "accept") return { action: result.action };
  if (params.mode === "url") return { action: "accept" };
  const schema = (params as ElicitRequestFormParams).requestedSchema;
  const content = withDefaults(schema, result.content ?? {});
  const check = validateAgainst(schema as JsonSchemaObject, content, "the requested schema");
  if (!check.ok) throw new TypeError(`the answer does not match the requested form: ${check.error}`);
  return { action: "accept", content };
}

/** The content with each omitted property that has a `default` in the (flat) requested schema set to it. */
export function withDefaults(schema: ElicitRequestFormParams["requestedSchema"], content: NonNullable<ElicitResult["content"]>): NonNullable<ElicitResult["content"]> {
  const filled = { ...content };
  for (const [key, property] of Object.entries(schema.properties)) {
    const fallback = (property as { default?: unknown }).default;
    if (filled[key] === undefined && fallback !== undefined) filled[key] = fallback as (typeof filled)[string];
  }
  return filled;
}
