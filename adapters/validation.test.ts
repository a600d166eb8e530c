import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validateToolArguments, type JsonSchemaObject, type ToolInfo } from "./index.js";

function toolWith(inputSchema: JsonSchemaObject): ToolInfo {
  return { server: "s", name: "t", bridgedName: "s__t", description: "", inputSchema };
}

// What a zod 4 server publishes: JSON Schema 2020-12 (prefixItems, items: false).
const zodTool = toolWith(
  z.toJSONSchema(
    z.strictObject({
      a: z.number().int(),
      pair: z.tuple([z.string(), z.number()]).optional(),
      nested: z.object({ when: z.string() }).optional(),
    }),
    { io: "input" },
  ) as JsonSchemaObject,
);

describe("validateToolArguments", () => {
  it("accepts valid arguments, including 2020-12 tuples", () => {
    expect(validateToolArguments(zodTool, { a: 1 })).toEqual({ ok: true });
    expect(validateToolArguments(zodTool, { a: 1, pair: ["x", 2] })).toEqual({ ok: true });
  });

  it("names every offending argument", () => {
    expect(validateToolArguments(zodTool, { a: 1.5, pair: ["x", "y"], nested: { when: 3 } })).toEqual({
      ok: false,
      error:
        'a: Instance type "number" is invalid. Expected "integer".; pair.1: Instance type "string" is invalid. Expected "number".; ' +
        'nested.when: Instance type "number" is invalid. Expected "string".',
    });
    expect(validateToolArguments(zodTool, {})).toEqual({ ok: false, error: 'arguments: Instance does not have required property "a".' });
    expect(validateToolArguments(zodTool, { a: 1, b: 2 })).toEqual({
      ok: false,
      error: 'arguments: Property "b" does not match additional properties schema.',
    });
  });

  it("follows the dialect the schema declares", () => {
    const draft7 = toolWith({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { pair: { type: "array", items: [{ type: "string" }, { type: "number" }], additionalItems: false } },
    });
    expect(validateToolArguments(draft7, { pair: ["x", 1] })).toEqual({ ok: true });
    expect(validateToolArguments(draft7, { pair: ["x", 1, 2] })).toMatchObject({ ok: false });
  });

  it("refuses what is not an object, and schemas it cannot apply", () => {
    expect(validateToolArguments(zodTool, [1])).toEqual({ ok: false, error: "arguments must be a JSON object, got an array" });
    expect(validateToolArguments(zodTool, "a=1")).toEqual({ ok: false, error: "arguments must be a JSON object, got string" });
    const dangling = toolWith({ type: "object", properties: { a: { $ref: "#/$defs/missing" } } });
    expect(validateToolArguments(dangling, { a: 1 })).toMatchObject({ ok: false, error: expect.stringContaining("cannot be applied") });
  });
});
