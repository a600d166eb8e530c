import type { ToolInfo } from "../../adapters/index.js";

type Json = Record<string, unknown>;

/** Keywords OpenAI strict mode rejects or ignores; their meaning moves into the description. */
const CONSTRAINT_KEYWORDS = [
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
] as const;

const ANY_VALUE: Json[] = [{ type: "string" }, { type: "number" }, { type: "boolean" }];

/** The `$defs` entry every `call_tool` variant's `action` refers to. */
export const CALL_TOOL_ACTION = "call_tool_action";

export const ANSWER_DESCRIPTION =
  "Give the final answer: after tool calls, one sentence stating the result; when no listed tool fits, say that no available tool can help.";
export const ASK_DESCRIPTION = "Ask the user for a required input that the question does not give.";

/**
 * Builds the route schema for OpenAI strict structured outputs from the discovered tools.
 *
 * The root is `{ reason, decision }`; `decision` is an `anyOf` with one `call_tool` variant per tool
 * (its `tool` an enum of the bridged name, its `args` the tool's input schema made strict, its
 * description the tool's description) plus an `answer` and an `ask` variant. Strict means every
 * property required, optional ones nullable, `additionalProperties: false` everywhere, and only the
 * keywords strict mode supports; dropped constraints are kept in the descriptions for the model and
 * enforced afterwards by `parseRouteOutput` against the original schema.
 */
export function buildRouteSchema(tools: readonly ToolInfo[]): Json {
  const defs: Json = {};
  const variants: Json[] = tools.map((tool) => {
    const entry = cachedVariant(tool);
    if (entry.defs) Object.assign(defs, entry.defs);
    return entry.variant;
  });
  variants.push(
    {
      type: "object",
      description: ANSWER_DESCRIPTION,
      properties: { action: { type: "string", enum: ["answer"] }, answer: { type: "string" } },
      required: ["action", "answer"],
      additionalProperties: false,
    },
    {
      type: "object",
      description: ASK_DESCRIPTION,
      properties: { action: { type: "string", enum: ["ask"] }, question: { type: "string" } },
      required: ["action", "question"],
      additionalProperties: false,
    },
  );
  const schema: Json = {
    type: "object",
    properties: {
      reason: { type: "string", description: "A short sentence naming the cues that decided the route." },
      decision: { anyOf: variants },
    },
    required: ["reason", "decision"],
    additionalProperties: false,
  };
  schema.$defs = { [CALL_TOOL_ACTION]: { type: "string", enum: ["call_tool"] }, ...defs };
  return schema;
}

/** Rewrites `$ref`s of one tool's schema to its definitions hoisted to the route schema's root. */
interface RefContext {
  prefix: string;
  local: Json;
  defs: Json;
}

/** A tool's `call_tool` variant, and the definitions it hoisted to the root (none for most tools). */
interface ToolVariant {
  variant: Json;
  defs: Json | undefined;
}

/**
 * Variants by tool object, then by content (bridged name, description, input schema). The client keeps
 * a server's tool objects until that server's tools change, so after a catalog change only the changed
 * tools are looked at, not the whole catalog. An equal tool in a new object (another client, a re-listed
 * server) is compared with the tools seen under its name, which costs less than serialising it, and
 * gets the same variant object back, so readers of the route schema can cache by identity too. Tool
 * objects are taken as immutable, as the client's frozen ones are.
 */
const variantsByTool = new WeakMap<ToolInfo, ToolVariant>();
const variantsByName = new Map<string, Array<{ tool: ToolInfo; entry: ToolVariant }>>();
const NAME_CACHE_LIMIT = 10_000;
/** Versions of one tool kept (a name two clients' servers give different tools, a tool that changes back). */
const VERSIONS_PER_NAME = 4;

function cachedVariant(tool: ToolInfo): ToolVariant {
  let entry = variantsByTool.get(tool);
  if (entry) return entry;
  let versions = variantsByName.get(tool.bridgedName);
  entry = versions?.find((seen) => seen.tool.description === tool.description && sameJson(seen.tool.inputSchema, tool.inputSchema))?.entry;
  if (!entry) {
    entry = callToolVariant(tool);
    if (!versions) {
      if (variantsByName.size >= NAME_CACHE_LIMIT) variantsByName.clear();
      versions = [];
      variantsByName.set(tool.bridgedName, versions);
    }
    if (versions.length >= VERSIONS_PER_NAME) versions.shift();
    versions.push({ tool, entry });
  }
  variantsByTool.set(tool, entry);
  return entry;
}

/** Equal as JSON values, keys in the same order (another order only costs a recompilation). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== otherKeys[i] || !sameJson((a as Json)[key], (b as Json)[key])) return false;
  }
  return true;
}

function callToolVariant(tool: ToolInfo): ToolVariant {
  const defs: Json = {};
  const args = strictArgs(tool, defs);
  const variant = {
    type: "object",
    description: tool.description || `Call ${tool.bridgedName}.`,
    properties: {
      // One shared definition: OpenAI counts enum values across the schema (at most 1000), and
      // each tool already spends one on its name.
      action: { $ref: `#/$defs/${CALL_TOOL_ACTION}` },
      tool: { type: "string", enum: [tool.bridgedName] },
      args,
    },
    required: ["action", "tool", "args"],
    additionalProperties: false,
  };
  return { variant, defs: Object.keys(defs).length > 0 ? defs : undefined };
}

function strictArgs(tool: ToolInfo, defs: Json): Json {
  const input = tool.inputSchema;
  const prefix = tool.bridgedName.replace(/[^A-Za-z0-9_-]/g, "_");
  const local = { ...asObject(input.$defs), ...asObject(input.definitions) };
  const context: RefContext = { prefix, local, defs };
  // The root of the tool schema may be referenced recursively as "#".
  if (JSON.stringify(input).includes('"#"')) defs[`${prefix}__root`] = {};
  const root = strictify({ ...input, type: "object" }, true, context);
  if (`${prefix}__root` in defs) defs[`${prefix}__root`] = root;
  return root;
}

function strictify(schema: unknown, required: boolean, context: RefContext): Json {
  const source = asObject(schema);
  const result = strictCore(source, context);
  const notes = constraintNotes(source);
  if (notes) {
    result.description = result.description ? `${String(result.description)} (${notes})` : `(${notes})`;
  }
  return required ? result : nullable(result);
}

function strictCore(source: Json, context: RefContext): Json {
  const description = typeof source.description === "string" ? { description: source.description } : {};

  if (typeof source.$ref === "string") return { ...description, $ref: hoistRef(source.$ref, context) };

  const branches = source.anyOf ?? source.oneOf;
  if (Array.isArray(branches)) {
    return { ...description, anyOf: branches.map((branch) => strictify(branch, true, context)) };
  }
  if (Array.isArray(source.allOf)) return strictCore(mergeAllOf(source), context);

  if ("const" in source) return { ...description, ...typed(source, [source.const]) };
  if (Array.isArray(source.enum)) return { ...description, ...typed(source, source.enum) };

  const type = source.type;
  if (Array.isArray(type)) {
    const types = type.filter((t): t is string => typeof t === "string");
    const nonNull = types.filter((t) => t !== "null");
    if (nonNull.length === 1) {
      const single = strictCore({ ...source, type: nonNull[0] }, context);
      return types.includes("null") ? nullable(single) : single;
    }
    return {
      ...description,
      anyOf: types.map((t) => strictCore({ ...source, description: undefined, type: t }, context)),
    };
  }

  switch (type) {
    case "object":
      return { ...description, ...strictObject(source, context) };
    case "array": {
      const items = Array.isArray(source.items)
        ? { anyOf: source.items.map((item) => strictify(item, true, context)) }
        : source.items === undefined
          ? { anyOf: ANY_VALUE }
          : strictify(source.items, true, context);
      return { ...description, type: "array", items };
    }
    case "string":
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return { ...description, type };
    default:
      if (source.properties !== undefined) return { ...description, ...strictObject(source, context) };
      // Strict mode cannot say "any JSON value"; scalars cover what a tool argument usually is.
      return { ...description, anyOf: ANY_VALUE };
  }
}

function strictObject(source: Json, context: RefContext): Json {
  const properties = asObject(source.properties);
  const required = new Set(Array.isArray(source.required) ? source.required.filter((r) => typeof r === "string") : []);
  const strictProperties: Json = {};
  for (const [key, value] of Object.entries(properties)) {
    strictProperties[key] = strictify(value, required.has(key), context);
  }
  return {
    type: "object",
    properties: strictProperties,
    required: Object.keys(strictProperties),
    additionalProperties: false,
  };
}

/** An enum keeps its values; its type is stated when the values share one, as strict mode expects. */
function typed(source: Json, values: unknown[]): Json {
  const kinds = new Set(values.map((v) => (v === null ? "null" : Number.isInteger(v) ? "integer" : typeof v)));
  const declared = typeof source.type === "string" ? source.type : undefined;
  if (declared) return { type: declared, enum: values };
  if (kinds.size === 1) {
    const [kind] = [...kinds];
    return { type: kind === "integer" ? "integer" : kind, enum: values };
  }
  return { enum: values };
}

function nullable(schema: Json): Json {
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.includes(null) ? schema.enum : [...schema.enum, null];
    const type = schema.type;
    const types = typeof type === "string" ? [type, "null"] : type;
    return { ...schema, ...(types ? { type: types } : {}), enum: values };
  }
  if (typeof schema.type === "string") return schema.type === "null" ? schema : { ...schema, type: [schema.type, "null"] };
  if (Array.isArray(schema.type)) {
    return schema.type.includes("null") ? schema : { ...schema, type: [...schema.type, "null"] };
  }
  if (Array.isArray(schema.anyOf)) {
    const hasNull = schema.anyOf.some((branch) => asObject(branch).type === "null");
    return hasNull ? schema : { ...schema, anyOf: [...schema.anyOf, { type: "null" }] };
  }
  const { description, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: "null" }] };
}

function hoistRef(ref: string, context: RefContext): string {
  if (ref === "#") return `#/$defs/${context.prefix}__root`;
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match?.[1]) return `#/$defs/${context.prefix}__root`;
  const name = `${context.prefix}__${match[1]}`;
  if (!(name in context.defs)) {
    // Reserve the name before recursing so self-referencing definitions terminate.
    context.defs[name] = {};
    context.defs[name] = strictify(context.local[match[1]], true, context);
  }
  return `#/$defs/${name}`;
}

function mergeAllOf(source: Json): Json {
  const parts = (source.allOf as unknown[]).map(asObject);
  const merged: Json = { ...source, allOf: undefined };
  const properties: Json = { ...asObject(source.properties) };
  const required = new Set<string>(Array.isArray(source.required) ? (source.required as string[]) : []);
  for (const part of parts) {
    Object.assign(properties, asObject(part.properties));
    if (Array.isArray(part.required)) for (const r of part.required) if (typeof r === "string") required.add(r);
    if (merged.type === undefined && part.type !== undefined) merged.type = part.type;
    for (const keyword of CONSTRAINT_KEYWORDS) if (part[keyword] !== undefined) merged[keyword] ??= part[keyword];
  }
  if (Object.keys(properties).length > 0) {
    merged.properties = properties;
    merged.type ??= "object";
  }
  merged.required = [...required];
  delete merged.allOf;
  return merged;
}

function constraintNotes(source: Json): string {
  const notes = CONSTRAINT_KEYWORDS.filter((k) => source[k] !== undefined).map((k) => `${k} ${JSON.stringify(source[k])}`);
  if (source.default !== undefined) notes.push(`default ${JSON.stringify(source.default)}`);
  return notes.join("; ");
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}
