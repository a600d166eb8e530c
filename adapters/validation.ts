import { Validator, type OutputUnit, type Schema, type SchemaDraft } from "@cfworker/json-schema";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { JsonSchemaObject, ToolInfo } from "./types.js";

const validators = new WeakMap<JsonSchemaObject, Validator>();

/**
 * Checks arguments against the tool's JSON Schema in the dialect the schema declares (`$schema`),
 * defaulting to 2020-12 as the MCP spec does. The error text names each offending argument and is
 * meant to be shown to a model so it can correct the call.
 */
export function validateToolArguments(tool: ToolInfo, args: unknown): { ok: true } | { ok: false; error: string } {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return { ok: false, error: `arguments must be a JSON object, got ${args === null ? "null" : Array.isArray(args) ? "an array" : typeof args}` };
  }
  return validateAgainst(tool.inputSchema, args, "the tool's input schema");
}

/**
 * Checks a value against a JSON Schema object (dialect as {@link validateToolArguments}); the error
 * names each offending property. `what` names the schema when it cannot be applied.
 */
export function validateAgainst(schema: JsonSchemaObject, value: unknown, what = "the schema"): { ok: true } | { ok: false; error: string } {
  let result;
  try {
    result = validatorFor(schema).validate(value);
  } catch (error) {
    // A schema the validator cannot use (e.g. an unresolvable $ref) must not let a value through unchecked.
    return { ok: false, error: `${what} cannot be applied: ${(error as Error).message}` };
  }
  if (result.valid) return { ok: true };
  return { ok: false, error: describeErrors(result.errors) };
}

function validatorFor(schema: JsonSchemaObject): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    // Report every problem at once: a model fixes all of them in one retry. The validator annotates the
    // schema it is given (resolved URIs), so it gets its own copy: the caller's may be frozen or shared.
    validator = new Validator(structuredClone(schema) as Schema, draftOf(schema), false);
    validators.set(schema, validator);
  }
  return validator;
}

function draftOf(schema: JsonSchemaObject): SchemaDraft {
  const declared = typeof schema.$schema === "string" ? schema.$schema : "";
  if (declared.includes("draft-04")) return "4";
  if (declared.includes("draft-06") || declared.includes("draft-07")) return "7";
  if (declared.includes("2019-09")) return "2019-09";
  return "2020-12";
}

// The validator reports a chain per problem ("property a does not match" → "expected integer");
// the innermost unit says what is actually wrong, so keep only units no other unit refines. A bare
// "False boolean schema" (e.g. additionalProperties: false) says less than its sibling naming the property.
function describeErrors(errors: readonly OutputUnit[]): string {
  const leaves = errors.filter(
    (unit) =>
      !errors.some((other) => other !== unit && other.keywordLocation.startsWith(`${unit.keywordLocation}/`)) &&
      !(unit.keyword === "false" && errors.length > 1),
  );
  const lines = [...new Set(leaves.map((unit) => `${locationOf(unit.instanceLocation)}: ${unit.error}`))];
  return lines.join("; ");
}

function locationOf(instanceLocation: string): string {
  const pointer = instanceLocation.replace(/^#/, "");
  return pointer ? pointer.slice(1).split("/").map(decodeURIComponent).join(".") : "arguments";
}

/**
 * The output-schema validator the SDK's clients use for `structuredContent`, one for all of a
 * client's sessions: Ajv, as the SDK's default, but built on the first schema that needs it, and each
 * schema compiled once by its JSON text rather than again on every connect's `tools/list` (the SDK
 * compiles every listed output schema, and each listing brings new schema objects).
 */
export function sharedOutputValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  const compiled = new Map<string, JsonSchemaValidator<unknown>>();
  return {
    getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
      const key = JSON.stringify(schema);
      let validator = compiled.get(key);
      if (!validator) {
        validator = (ajv ??= new AjvJsonSchemaValidator()).getValidator<unknown>(schema);
        compiled.set(key, validator);
      }
      return validator as JsonSchemaValidator<T>;
    },
  };
}
