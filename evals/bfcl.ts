/**
 * The Berkeley Function Calling Leaderboard's AST rules for one call against one function, as
 * `GENERIC-DEV.md` describes them: each parameter has a list of accepted values, `""` in a list
 * means the parameter may be left out (exactly `[""]`: it must be), strings compare loosely, numbers
 * by value with an integer allowed for a float but not the other way round, lists element by element,
 * and an object parameter gives each of its keys an accepted list of its own.
 */

type Json = Record<string, unknown>;

/** The accepted calls of one item: the tool and, per parameter, every accepted value. */
export interface BfclExpectation {
  tool: string;
  args: Record<string, unknown[]>;
}

const asObject = (value: unknown): Json => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {});

/** Lower case, without spaces and `,./-_*^`, single quotes as double: BFCL's string normalisation. */
export function bfclString(value: string): string {
  return value.toLowerCase().replace(/[\s,./\-_*^]/g, "").replace(/'/g, '"');
}

function typeOf(schema: Json): string | undefined {
  return typeof schema.type === "string" ? schema.type : undefined;
}

/** One value against one accepted value, by the parameter's declared type. */
function valueMatches(schema: Json, accepted: unknown, got: unknown): boolean {
  if (accepted === null) return got === null;
  switch (typeOf(schema)) {
    case "integer":
      return typeof got === "number" && Number.isInteger(got) && got === accepted;
    case "number":
      return typeof got === "number" && got === accepted;
    case "boolean":
      return got === accepted;
    case "string":
      return typeof got === "string" && typeof accepted === "string" && bfclString(got) === bfclString(accepted);
    case "array": {
      const items = asObject(schema.items);
      return (
        Array.isArray(got) &&
        Array.isArray(accepted) &&
        got.length === accepted.length &&
        accepted.every((value, i) => valueMatches(items, value, got[i]))
      );
    }
    case "object":
      return objectMatches(schema, asObject(accepted), got);
    default:
      return JSON.stringify(accepted) === JSON.stringify(got);
  }
}

/** A dict parameter: its accepted value lists each key's own accepted values. */
function objectMatches(schema: Json, accepted: Json, got: unknown): boolean {
  if (got === null || typeof got !== "object" || Array.isArray(got)) return false;
  const properties = asObject(schema.properties);
  const lists = Object.fromEntries(Object.entries(accepted).map(([key, value]) => [key, Array.isArray(value) ? value : [value]]));
  return paramsMatch(properties, [], lists, got as Json);
}

/** Every argument listed and accepted, every listed parameter given unless it may be left out. */
function paramsMatch(properties: Json, required: readonly string[], accepted: Record<string, unknown[]>, got: Json): boolean {
  if (required.some((name) => !Object.hasOwn(got, name))) return false;
  if (Object.keys(got).some((name) => !Object.hasOwn(properties, name) || !Object.hasOwn(accepted, name))) return false;
  return Object.entries(accepted).every(([name, values]) => {
    if (!Object.hasOwn(got, name)) return values.includes("");
    const options = values.filter((value) => value !== "");
    return options.some((value) => valueMatches(asObject(properties[name]), value, got[name]));
  });
}

/**
 * Whether a call is one BFCL accepts.
 * @param inputSchema the tool's JSON Schema, whose types decide how each value compares.
 */
export function bfclCallMatches(expected: BfclExpectation, inputSchema: Json, call: { tool: string; args: Json }): boolean {
  if (call.tool !== expected.tool) return false;
  const required = Array.isArray(inputSchema.required) ? inputSchema.required.filter((r): r is string => typeof r === "string") : [];
  return paramsMatch(asObject(inputSchema.properties), required, expected.args, call.args);
}
