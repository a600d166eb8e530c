import type { Operation } from "./plan.js";
import { stem } from "./generic/words.js";
import { identifierWords, singular, STOPWORDS } from "./text.js";

type Json = Record<string, unknown>;

/** What a parameter is for, read from its name, type and description. */
export type ParamRole = "place" | "text" | "number" | "enum" | "boolean" | "other";

export interface ParamProfile {
  name: string;
  types: string[];
  /** Required by the tool (in a strict route schema: not nullable). */
  required: boolean;
  description: string;
  enumValues?: unknown[];
  role: ParamRole;
  /** An array of numbers ("numbers": [1, 2, 3]). */
  numberArray: boolean;
  /** An array's item values, when its items are an enum. */
  itemEnum?: unknown[];
}

export interface ToolProfile {
  /** The name the model calls: the bridged name in a route schema, the function name with bound tools. */
  name: string;
  description: string;
  params: ParamProfile[];
  /** The arithmetic this tool performs, when it takes two numbers (or a list) and says which. */
  operation?: Operation;
  /** Topics read from the name and description: "weather", "echo". */
  topics: Set<string>;
  nameWords: string[];
  descriptionWords: string[];
  /** Stems of the content words of the name (weight 3) and description (weight 1). */
  lexicon: Map<string, number>;
  /** The MCP hints on what the tool does, when its definition carries them. */
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
  /** Identity of this profile, for caching catalogs of the same tools. */
  id: number;
}

export interface Catalog {
  tools: ToolProfile[];
  byName: Map<string, ToolProfile>;
  byOperation: Map<Operation, ToolProfile>;
  byTopic: Map<string, ToolProfile[]>;
  /** Content word → tools whose name (weight 3) or description (weight 1) uses it. */
  lexicon: Map<string, Array<{ tool: ToolProfile; weight: number }>>;
  /** True when the tools come from a route schema: arguments must list every property. */
  strict: boolean;
}

const OPERATION_WORDS: Array<[RegExp, Operation]> = [
  [/^(?:add|adds|adding|addition|sum|sums|plus|total)$/, "add"],
  [/^(?:multiply|multiplies|multiplying|multiplication|product|times|mul|mult)$/, "multiply"],
  [/^(?:subtract|subtracts|subtraction|minus|difference|sub)$/, "subtract"],
  [/^(?:divide|divides|division|quotient|div)$/, "divide"],
  [/^(?:power|pow|exponent|exponentiation|exponentiate)$/, "power"],
];

const TOPIC_WORDS: Record<string, RegExp> = {
  weather: /^(?:weather|forecast|forecasts|temperature|temperatures|meteo|climate|conditions)$/,
  echo: /^(?:echo|echoes|repeat|repeats|parrot)$/,
};

const PLACE_PARAM = /^(?:city|location|place|town|region|address|destination|locality|municipality|where|city_?name|location_?name|place_?name)$/i;
const TEXT_PARAM = /^(?:message|text|query|prompt|input|content|string|sentence|phrase|q|search|term|keyword|topic|question|msg|words?)$/i;

/** Words that say nothing about what a tool is for. */
const GENERIC_TOOL_WORDS = new Set(
  "get set list fetch retrieve return returns returned tool tools run runs call calls use uses using do make create given input output value values result results data information info simple simulated simulate simulates demonstrate demonstrates demonstrating demo example server mcp request requests response specified provided based".split(
    " ",
  ),
);

function asObject(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

function typesOf(schema: Json): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === "string");
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) return branches.flatMap((b) => typesOf(asObject(b)));
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map((v) => (v === null ? "null" : typeof v)))];
  return [];
}

function enumOf(schema: Json): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.filter((v) => v !== null);
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) {
    const values = branches.flatMap((b) => enumOf(asObject(b)) ?? []);
    return values.length > 0 ? values : undefined;
  }
  return undefined;
}

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w)).map(singular);
}

function profileParam(name: string, schema: Json, required: boolean): ParamProfile {
  const types = typesOf(schema);
  const description = typeof schema.description === "string" ? schema.description : "";
  const enumValues = enumOf(schema);
  const itemTypes = typesOf(asObject(schema.items));
  const numberArray = types.includes("array") && (itemTypes.includes("number") || itemTypes.includes("integer"));
  const words = `${identifierWords(name).join(" ")} ${description}`.toLowerCase();
  let role: ParamRole = "other";
  if (enumValues && enumValues.length > 0) role = "enum";
  else if (types.includes("number") || types.includes("integer")) role = "number";
  else if (types.includes("boolean")) role = "boolean";
  else if (types.includes("string") || types.length === 0) {
    if (PLACE_PARAM.test(name) || /\b(?:city|location|place|town)\b/.test(words)) role = "place";
    else if (TEXT_PARAM.test(name) || /\b(?:message|text)\b/.test(identifierWords(name).join(" "))) role = "text";
    else role = "text";
  }
  const itemEnum = types.includes("array") ? enumOf(asObject(schema.items)) : undefined;
  return { name, types, required, description, ...(enumValues ? { enumValues } : {}), ...(itemEnum ? { itemEnum } : {}), role, numberArray };
}

function profileTool(name: string, description: string, schema: Json, strict: boolean): ToolProfile {
  const properties = asObject(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const params = Object.entries(properties).map(([key, value]) => {
    const property = asObject(value);
    // A strict schema requires everything and marks optional parameters by accepting null.
    const isRequired = strict ? !typesOf(property).includes("null") : required.has(key);
    return profileParam(key, property, isRequired);
  });
  const nameWords = identifierWords(name.includes("__") ? name.slice(name.indexOf("__") + 2) : name);
  const descriptionWords = contentWords(description);

  const numeric = params.filter((p) => p.role === "number");
  let operation: Operation | undefined;
  // "add_user(id, age)" adds no numbers: the tool must be about numbers, by its words or its parameter names.
  const aboutNumbers =
    /\b(?:numbers?|integers?|numeric|operands?|sum|product|arithmetic|math|addends?|factors?|digits?|calculat\w*)\b/i.test(
      `${description} ${params.map((p) => p.description).join(" ")}`,
    ) || numeric.every((p) => /^(?:a|b|c|x|y|n|m|num\d*|number\d*|operand\d*|first|second|left|right|lhs|rhs|value\d*|addend\d*|factor\d*)$/i.test(p.name));
  if ((numeric.length >= 2 || params.some((p) => p.numberArray)) && aboutNumbers) {
    for (const words of [nameWords, descriptionWords]) {
      for (const word of words) {
        operation = OPERATION_WORDS.find(([pattern]) => pattern.test(word))?.[1];
        if (operation) break;
      }
      if (operation) break;
    }
  }
  const topics = new Set<string>();
  for (const [topic, pattern] of Object.entries(TOPIC_WORDS)) {
    if ([...nameWords, ...descriptionWords].some((w) => pattern.test(w))) topics.add(topic);
  }
  if (topics.has("weather") && !params.some((p) => p.role === "place")) topics.delete("weather");
  if (topics.has("echo") && !params.some((p) => p.role === "text")) topics.delete("echo");
  const lexicon = new Map<string, number>();
  // Keyed by stem, so "genetically" in a question meets "genetics" in a name.
  for (const word of descriptionWords) if (!GENERIC_TOOL_WORDS.has(word)) lexicon.set(stem(word), 1);
  for (const word of nameWords.map(singular)) if (!GENERIC_TOOL_WORDS.has(word) && word.length > 1) lexicon.set(stem(word), 3);
  return { name, description, params, ...(operation ? { operation } : {}), topics, nameWords, descriptionWords, lexicon, id: nextProfileId++ };
}

let nextProfileId = 1;

/**
 * Profiles by the identity of a tool's argument schema, then by name and description: the route node
 * builds a new route schema per question, but the argument schemas inside it are reused, so a catalog
 * of hundreds of tools is profiled once.
 */
const profiles = new WeakMap<object, Map<string, ToolProfile>>();

function cachedProfile(name: string, description: string, schema: Json, strict: boolean): ToolProfile {
  let byText = profiles.get(schema);
  if (!byText) {
    byText = new Map();
    profiles.set(schema, byText);
  }
  const key = `${strict ? "s" : "l"}\u0000${name}\u0000${description}`;
  let profile = byText.get(key);
  if (!profile) {
    profile = profileTool(name, description, schema, strict);
    byText.set(key, profile);
  }
  return profile;
}

/** Catalogs by the ids of their profiles, so an equal tool set in a new schema object is not re-indexed. */
const catalogsByProfiles = new Map<string, Catalog>();
const CATALOG_CACHE_LIMIT = 32;

function cachedCatalog(tools: ToolProfile[], strict: boolean): Catalog {
  const key = `${strict ? "s" : "l"}:${tools.map((t) => t.id).join(",")}`;
  let catalog = catalogsByProfiles.get(key);
  if (!catalog) {
    catalog = buildCatalog(tools, strict);
    if (catalogsByProfiles.size >= CATALOG_CACHE_LIMIT) catalogsByProfiles.delete(catalogsByProfiles.keys().next().value!);
    catalogsByProfiles.set(key, catalog);
  }
  return catalog;
}

function buildCatalog(tools: ToolProfile[], strict: boolean): Catalog {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const byOperation = new Map<Operation, ToolProfile>();
  const byTopic = new Map<string, ToolProfile[]>();
  const lexicon = new Map<string, Array<{ tool: ToolProfile; weight: number }>>();
  for (const tool of tools) {
    if (tool.operation && !byOperation.has(tool.operation)) byOperation.set(tool.operation, tool);
    for (const topic of tool.topics) {
      const list = byTopic.get(topic);
      if (list) list.push(tool);
      else byTopic.set(topic, [tool]);
    }
    for (const [word, weight] of tool.lexicon) {
      const list = lexicon.get(word);
      if (list) list.push({ tool, weight });
      else lexicon.set(word, [{ tool, weight }]);
    }
  }
  return { tools, byName, byOperation, byTopic, lexicon, strict };
}

const fromSchemas = new WeakMap<object, Catalog | null>();

/**
 * Profiles by `call_tool` variant object: `buildRouteSchema` gives an unchanged tool the same variant
 * in every schema, so the first question after a catalog change profiles only the changed tools.
 * Null for a variant that names no tool.
 */
const fromVariants = new WeakMap<object, ToolProfile | null>();

/**
 * The tools a route schema offers (one `call_tool` variant per tool), cached by schema identity
 * so a catalog of hundreds of tools is read once. Undefined when the schema is not a route schema.
 */
export function catalogFromRouteSchema(schema: Json): Catalog | undefined {
  const cached = fromSchemas.get(schema);
  if (cached !== undefined) return cached ?? undefined;
  const decision = asObject(asObject(schema.properties).decision);
  const variants = Array.isArray(decision.anyOf) ? decision.anyOf.map(asObject) : undefined;
  if (!variants) {
    fromSchemas.set(schema, null);
    return undefined;
  }
  const defs = asObject(schema.$defs);
  // Every variant of a route schema refers to one shared action definition: each reference is read once.
  const actionsByRef = new Map<string, unknown>();
  const actionOf = (node: unknown): unknown => {
    const object = asObject(node);
    if (typeof object.$ref !== "string") return enumOf(object)?.[0];
    if (!actionsByRef.has(object.$ref)) {
      const name = /^#\/\$defs\/(.+)$/.exec(object.$ref)?.[1];
      actionsByRef.set(object.$ref, enumOf(name ? asObject(defs[name]) : object)?.[0]);
    }
    return actionsByRef.get(object.$ref);
  };
  const tools: ToolProfile[] = [];
  for (const variant of variants) {
    const properties = asObject(variant.properties);
    // Per schema: what the action refers to lives in this schema's $defs, not in the variant.
    if (actionOf(properties.action) !== "call_tool") continue;
    let profile = fromVariants.get(variant);
    if (profile === undefined) {
      const name = enumOf(asObject(properties.tool))?.[0];
      const description = typeof variant.description === "string" ? variant.description : "";
      profile = typeof name === "string" ? cachedProfile(name, description, asObject(properties.args), true) : null;
      fromVariants.set(variant, profile);
    }
    if (profile) tools.push(profile);
  }
  const catalog = cachedCatalog(tools, true);
  fromSchemas.set(schema, catalog);
  return catalog;
}

/** A tool as `bindTools` receives it, in OpenAI function form. */
export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: Json;
}

const fromFunctions = new WeakMap<object, Catalog>();

/**
 * The catalog of tools bound with `bindTools`, cached by the identity of the bound list (`key`), which
 * stays the same object for every call through one binding.
 */
export function catalogFromFunctions(key: object, functions: () => readonly FunctionDefinition[]): Catalog {
  const cached = fromFunctions.get(key);
  if (cached) return cached;
  const catalog = cachedCatalog(
    functions().map((f) => cachedProfile(f.name, f.description ?? "", asObject(f.parameters), false)),
    false,
  );
  fromFunctions.set(key, catalog);
  return catalog;
}
