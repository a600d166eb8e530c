import { Validator, type Schema } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import type { ToolInfo } from "../../adapters/index.js";
import { buildRouteSchema } from "./schema.js";

type Json = Record<string, unknown>;

/** Keywords OpenAI strict structured outputs accepts in our schemas. */
const ALLOWED = new Set(["type", "properties", "required", "additionalProperties", "items", "enum", "anyOf", "description", "$ref", "$defs"]);

/** Walks a schema and lists every place that breaks the strict-mode rules. */
function strictViolations(schema: unknown, path = "#", root = schema as Json): string[] {
  if (schema === null || typeof schema !== "object") return [`${path}: not a schema`];
  const node = schema as Json;
  const problems: string[] = [];
  for (const key of Object.keys(node)) {
    if (!ALLOWED.has(key)) problems.push(`${path}: keyword "${key}"`);
    if (key === "$defs" && path !== "#") problems.push(`${path}: $defs below the root`);
  }
  const types = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  if (types.includes("object") || node.properties !== undefined) {
    if (node.additionalProperties !== false) problems.push(`${path}: additionalProperties is not false`);
    const keys = Object.keys((node.properties as Json | undefined) ?? {});
    const required = (node.required as string[] | undefined) ?? [];
    if ([...keys].sort().join() !== [...required].sort().join()) problems.push(`${path}: required ${JSON.stringify(required)} ≠ properties ${JSON.stringify(keys)}`);
    for (const key of keys) problems.push(...strictViolations((node.properties as Json)[key], `${path}/properties/${key}`, root));
  }
  if (node.items !== undefined) problems.push(...strictViolations(node.items, `${path}/items`, root));
  if (Array.isArray(node.anyOf)) node.anyOf.forEach((branch, i) => problems.push(...strictViolations(branch, `${path}/anyOf/${i}`, root)));
  if (typeof node.$ref === "string") {
    const name = /^#\/\$defs\/(.+)$/.exec(node.$ref)?.[1];
    if (!name || !((root.$defs as Json | undefined) ?? {})[name]) problems.push(`${path}: $ref ${node.$ref} does not resolve`);
  }
  if (path === "#" && node.$defs) {
    for (const [name, def] of Object.entries(node.$defs as Json)) problems.push(...strictViolations(def, `#/$defs/${name}`, root));
  }
  return problems;
}

function tool(name: string, inputSchema: Json, description = `The ${name} tool.`): ToolInfo {
  return { server: "s", name, bridgedName: `s__${name}`, description, inputSchema: inputSchema as ToolInfo["inputSchema"] };
}

const MATH: ToolInfo[] = [
  tool(
    "add",
    {
      type: "object",
      properties: { a: { type: "integer", minimum: -10, maximum: 10 }, b: { type: "integer" } },
      required: ["a", "b"],
      $schema: "https://json-schema.org/draft/2020-12/schema",
      additionalProperties: false,
    },
    "Add two integers.",
  ),
];

/** A schema with the shapes servers publish: optional, nested, lists, enums, unions, references. */
const AWKWARD = tool("awkward", {
  type: "object",
  $schema: "http://json-schema.org/draft-07/schema#",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 20, pattern: "^[a-z]+$", default: "x", description: "A name" },
    when: { type: "string", format: "date-time" },
    count: { type: "number", default: 3 },
    level: { type: "string", enum: ["low", "high"] },
    tags: { type: "array", items: { type: "string" }, minItems: 1, uniqueItems: true },
    nested: { type: "object", properties: { deep: { type: "boolean" }, note: { type: "string" } }, required: ["deep"] },
    either: { oneOf: [{ type: "string" }, { type: "integer" }] },
    nullable: { type: ["string", "null"] },
    multi: { type: ["string", "number"] },
    anything: {},
    fixed: { const: "v1" },
    point: { $ref: "#/definitions/Point" },
    combined: { allOf: [{ type: "object", properties: { x: { type: "number" } }, required: ["x"] }, { properties: { y: { type: "number" } } }] },
    map: { type: "object", additionalProperties: { type: "string" } },
  },
  required: ["name", "level", "point"],
  definitions: { Point: { type: "object", properties: { x: { type: "number" }, y: { type: "number" } }, required: ["x", "y"] } },
});

describe("buildRouteSchema", () => {
  it("is checked by a walker that does catch what strict mode rejects", () => {
    expect(strictViolations(AWKWARD.inputSchema)).toEqual(
      expect.arrayContaining(['#: keyword "$schema"', "#: additionalProperties is not false", '#/properties/name: keyword "minLength"']),
    );
  });

  it("follows the strict-mode rules for ordinary and awkward tool schemas", () => {
    const schema = buildRouteSchema([...MATH, AWKWARD]);
    expect(strictViolations(schema)).toEqual([]);
  });

  it("has a { reason, decision } object root and one variant per tool plus answer and ask", () => {
    const schema = buildRouteSchema(MATH);
    expect(schema).toMatchObject({ type: "object", required: ["reason", "decision"], additionalProperties: false });
    const variants = ((schema.properties as Json).decision as { anyOf: Json[] }).anyOf;
    expect(variants).toHaveLength(3);
    expect(variants[0]).toMatchObject({
      description: "Add two integers.",
      properties: { action: { $ref: "#/$defs/call_tool_action" }, tool: { enum: ["s__add"] } },
    });
    const action = (variant: Json) => {
      const node = (variant.properties as Json).action as Json;
      const resolved = typeof node.$ref === "string" ? (schema.$defs as Json)[node.$ref.split("/").at(-1)!] : node;
      return (resolved as { enum: string[] }).enum[0];
    };
    expect(variants.map(action)).toEqual(["call_tool", "answer", "ask"]);
  });

  it("makes optional parameters nullable and keeps required ones as they are", () => {
    const args = variantArgs(buildRouteSchema([AWKWARD]), 0);
    const properties = args.properties as Json;
    expect(properties.name).toMatchObject({ type: "string" });
    expect(properties.count).toMatchObject({ type: ["number", "null"] });
    expect(properties.level).toMatchObject({ enum: ["low", "high"] });
    expect(properties.tags).toMatchObject({ type: ["array", "null"], items: { type: "string" } });
    expect((properties.nested as Json).anyOf ?? (properties.nested as Json).type).toBeDefined();
  });

  it("keeps dropped constraints in the description so the model still sees them", () => {
    const name = (variantArgs(buildRouteSchema([AWKWARD]), 0).properties as Json).name as Json;
    expect(name.description).toContain("A name");
    expect(name.description).toContain("maxLength 20");
    expect(name.description).toContain("pattern");
  });

  it("hoists $ref definitions to the root under the tool's name", () => {
    const schema = buildRouteSchema([AWKWARD]);
    expect(Object.keys(schema.$defs as Json)).toEqual(["call_tool_action", "s__awkward__Point"]);
    const point = (variantArgs(schema, 0).properties as Json).point as Json;
    expect(point.$ref).toBe("#/$defs/s__awkward__Point");
  });

  it("accepts every argument set the original schema accepts, with nulls for unused optional parameters", () => {
    const schema = buildRouteSchema([AWKWARD]);
    const validator = new Validator(schema as Schema, "2020-12");
    const args = {
      name: "ok",
      when: null,
      count: null,
      level: "low",
      tags: null,
      nested: null,
      either: 3,
      nullable: null,
      multi: "m",
      anything: true,
      fixed: "v1",
      point: { x: 1, y: 2 },
      combined: null,
      map: null,
    };
    const route = { reason: "r", decision: { action: "call_tool", tool: "s__awkward", args } };
    expect(validator.validate(route).valid).toBe(true);
    expect(validator.validate({ ...route, decision: { ...route.decision, args: { ...args, level: "medium" } } }).valid).toBe(false);
    expect(validator.validate({ reason: "r", decision: { action: "answer", answer: "No tool fits." } }).valid).toBe(true);
    expect(validator.validate({ reason: "r", decision: { action: "ask", question: "Which city?", extra: 1 } }).valid).toBe(false);
  });

  it("spends one enum value per tool, within OpenAI's limit of 1000 for 500 tools", () => {
    const many = Array.from({ length: 500 }, (_, i) => tool(`t${i}`, { type: "object", properties: { q: { type: "string" } }, required: ["q"] }));
    const enumValues = JSON.stringify(buildRouteSchema(many)).match(/"enum":\[[^\]]*\]/g)!.join().split(",").length;
    expect(enumValues).toBeLessThan(1000);
  });

  it("builds the same schema again for equal tools given as new objects", () => {
    const again = structuredClone(MATH);
    expect(buildRouteSchema(again)).toEqual(buildRouteSchema(MATH));
  });

  it("follows a tool that changed under the same name, and back", () => {
    const before = tool("lookup", { type: "object", properties: { q: { type: "string" } }, required: ["q"] }, "Look a word up.");
    const renamedParam = tool("lookup", { type: "object", properties: { term: { type: "string" } }, required: ["term"] }, "Look a word up.");
    const redescribed = tool("lookup", before.inputSchema, "Look a word up in the dictionary.");
    const description = (schema: Json) => ((schema.properties as Json).decision as { anyOf: Json[] }).anyOf[0]!.description;
    expect(Object.keys(variantArgs(buildRouteSchema([before]), 0).properties as Json)).toEqual(["q"]);
    expect(Object.keys(variantArgs(buildRouteSchema([renamedParam]), 0).properties as Json)).toEqual(["term"]);
    expect(description(buildRouteSchema([redescribed]))).toBe("Look a word up in the dictionary.");
    expect(buildRouteSchema([structuredClone(before)])).toEqual(buildRouteSchema([before]));
    expect(description(buildRouteSchema([structuredClone(before)]))).toBe("Look a word up.");
  });
});

function variantArgs(schema: Json, index: number): Json {
  const variants = ((schema.properties as Json).decision as { anyOf: Json[] }).anyOf;
  return (variants[index]!.properties as Json).args as Json;
}
