import { validateToolArguments, type ToolInfo } from "../../adapters/index.js";
import { RouteOutputSchema, type RouteOutput } from "./types.js";

export type { RouteDecision, RouteOutput } from "./types.js";

export type ParseRouteResult = { ok: true; value: RouteOutput } | { ok: false; error: string };

type Json = Record<string, unknown>;

const ACTIONS = ["call_tool", "answer", "ask"];
const MAX_LISTED_TOOLS = 30;

/**
 * Checks a structured-output reply from the route model: the `{ reason, decision }` shape, that a
 * called tool exists, and the arguments against the tool's ORIGINAL input schema, after dropping the
 * nulls strict mode made the model send for optional parameters it did not use.
 *
 * Never throws; the error text is written to be sent back to the model so it can correct itself.
 */
export function parseRouteOutput(raw: unknown, tools: readonly ToolInfo[]): ParseRouteResult {
  const action = actionOf(raw);
  if (action !== undefined && !ACTIONS.includes(action)) {
    return fail(`decision.action is ${JSON.stringify(action)}, but it must be one of ${ACTIONS.map((a) => `"${a}"`).join(", ")}`);
  }
  const shape = RouteOutputSchema.safeParse(raw);
  if (!shape.success) {
    const problems = shape.error.issues.map((issue) => `${issue.path.join(".") || "the route"}: ${issue.message}`);
    return fail(`the route does not have the expected shape (${problems.join("; ")})`);
  }
  const route = shape.data;
  const decision = route.decision;
  if (decision.action !== "call_tool") return { ok: true, value: route };

  const tool = tools.find((t) => t.bridgedName === decision.tool);
  if (!tool) return fail(unknownToolMessage(decision.tool, tools));

  const args = withoutUnusedNulls(decision.args, tool.inputSchema, localDefinitions(tool.inputSchema));
  const validation = validateToolArguments(tool, args);
  if (!validation.ok) {
    return fail(
      `the arguments for ${tool.bridgedName} do not match its input schema (${validation.error}); ` +
        `it expects ${describeParameters(tool.inputSchema)}`,
    );
  }
  return { ok: true, value: { reason: route.reason, decision: { ...decision, args: args as Json } } };
}

function fail(error: string): ParseRouteResult {
  return { ok: false, error };
}

function actionOf(raw: unknown): string | undefined {
  const decision = asObject(asObject(raw).decision);
  return typeof decision.action === "string" ? decision.action : undefined;
}

function unknownToolMessage(name: string, tools: readonly ToolInfo[]): string {
  if (tools.length === 0) return `there is no tool named ${JSON.stringify(name)}; no tools are available, so answer instead`;
  const names = tools.slice(0, MAX_LISTED_TOOLS).map((t) => t.bridgedName);
  const more = tools.length > MAX_LISTED_TOOLS ? ` and ${tools.length - MAX_LISTED_TOOLS} more` : "";
  return `there is no tool named ${JSON.stringify(name)}; call one of ${names.join(", ")}${more}, or answer if none fits`;
}

/**
 * Strict mode makes every optional parameter required-but-nullable; a null there means "not given",
 * unless the original schema itself accepts null for that parameter.
 */
function withoutUnusedNulls(value: unknown, schema: unknown, defs: Json): unknown {
  const resolved = resolve(schema, defs);
  if (Array.isArray(value)) return value.map((item) => withoutUnusedNulls(item, resolved.items, defs));
  if (value === null || typeof value !== "object") return value;
  const properties = asObject(resolved.properties);
  const required = new Set(Array.isArray(resolved.required) ? resolved.required : []);
  const result: Json = {};
  for (const [key, item] of Object.entries(value as Json)) {
    const property = resolve(properties[key], defs);
    if (item === null && !required.has(key) && !acceptsNull(property, defs)) continue;
    result[key] = withoutUnusedNulls(item, property, defs);
  }
  return result;
}

function acceptsNull(schema: Json, defs: Json): boolean {
  const type = schema.type;
  if (type === "null" || (Array.isArray(type) && type.includes("null"))) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  if (schema.nullable === true) return true;
  const branches = schema.anyOf ?? schema.oneOf;
  return Array.isArray(branches) && branches.some((branch) => acceptsNull(resolve(branch, defs), defs));
}

function resolve(schema: unknown, defs: Json): Json {
  const object = asObject(schema);
  const match = typeof object.$ref === "string" ? /^#\/(?:\$defs|definitions)\/(.+)$/.exec(object.$ref) : null;
  return match?.[1] ? asObject(defs[match[1]]) : object;
}

function localDefinitions(schema: Json): Json {
  return { ...asObject(schema.definitions), ...asObject(schema.$defs) };
}

/** "{ a: integer (required), b: integer (required) }", so a retry knows what to send. */
function describeParameters(schema: Json): string {
  const properties = asObject(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const parts = Object.entries(properties).map(([key, value]) => {
    const property = asObject(value);
    const type = Array.isArray(property.enum)
      ? `one of ${property.enum.map((v) => JSON.stringify(v)).join("|")}`
      : Array.isArray(property.type)
        ? property.type.join("|")
        : String(property.type ?? "any");
    return `${key}: ${type}${required.has(key) ? " (required)" : ""}`;
  });
  return parts.length > 0 ? `{ ${parts.join(", ")} }` : "no arguments ({})";
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}
