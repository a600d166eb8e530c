import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { AuthConfigSchema, normalizeAuthEntry } from "./auth/schema.js";
import { ConfigError } from "./errors.js";
import {
  HttpServerConfigSchema,
  StdioServerConfigSchema,
  TransportAliasSchema,
  type ServerConfig,
  type ServersConfig,
} from "./types.js";

/**
 * Validates a server configuration given in code or read from a file.
 *
 * Accepts the bare map `{ name: entry }`, the `{"mcpServers": {...}}` file format used by Claude
 * Desktop, Claude Code, Cursor and `@langchain/mcp-adapters`, and VS Code's `{"servers": {...}}`.
 * `type` is read as an alias of `transport`, `streamable-http`/`streamableHttp` as `http`, and
 * `oauth` (Claude Code, VS Code) as `auth`, with Claude Code's `callbackPort` and space-separated
 * `scopes`. Unknown keys are rejected so typos surface.
 *
 * @throws {ConfigError} naming the offending key, e.g. `mcpServers.math.url: must be an http:// or https:// URL`.
 */
export function parseServersConfig(input: unknown): ServersConfig {
  if (!isPlainObject(input)) throw new ConfigError("server configuration must be an object");
  const rootKey = "mcpServers" in input ? "mcpServers" : isVsCodeFile(input) ? "servers" : "";
  const root = rootKey ? input[rootKey] : input;
  if (!isPlainObject(root)) {
    throw new ConfigError(`${rootKey || "server configuration"}: must be an object of servers by name`, { key: rootKey || undefined });
  }
  const servers: ServersConfig = {};
  for (const [name, entry] of Object.entries(root)) {
    const key = rootKey ? `${rootKey}.${name}` : name;
    if (!name.trim()) throw new ConfigError(`${key || '""'}: server names must not be empty`, { key });
    servers[name] = parseServerEntry(entry, key);
  }
  return servers;
}

/**
 * Reads and validates a JSON configuration file (see {@link parseServersConfig}).
 * @throws {ConfigError} when the file cannot be read, is not JSON, or does not validate; the message starts with the path.
 */
export async function loadServersConfig(path: string): Promise<ServersConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the file: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseServersConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${path}: ${error.message}`, { key: error.key, cause: error });
    throw error;
  }
}

// Two-step parse so errors name the right path: pick the schema by the entry's shape first, then
// validate strictly. A plain union would report "invalid input" for the whole entry instead.
function parseServerEntry(entry: unknown, key: string): ServerConfig {
  if (!isPlainObject(entry)) throw new ConfigError(`${key}: must be an object with "url" or "command"`, { key });
  const { type, ...rest } = entry;
  const declared = type ?? rest.transport;
  if (type !== undefined && rest.transport !== undefined && type !== rest.transport) {
    throw new ConfigError(`${key}.type: "${String(type)}" contradicts transport "${String(rest.transport)}"`, { key: `${key}.type` });
  }
  let transport: "http" | "sse" | "stdio" | undefined;
  if (declared !== undefined) {
    const parsed = TransportAliasSchema.safeParse(declared);
    const where = `${key}.${type === undefined ? "transport" : "type"}`;
    if (!parsed.success) {
      throw new ConfigError(`${where}: must be one of "http", "streamable-http", "sse", "stdio" (got ${JSON.stringify(declared)})`, { key: where });
    }
    transport = parsed.data;
  }

  if ("command" in rest || transport === "stdio") {
    const { transport: _ignored, ...stdio } = rest;
    if (transport !== undefined && transport !== "stdio") {
      throw new ConfigError(`${key}: a "command" entry is a stdio server and cannot use transport "${transport}"`, { key });
    }
    return validate(StdioServerConfigSchema, stdio, key);
  }
  if ("url" in rest) {
    return validate(HttpServerConfigSchema, withAuth(transport === undefined ? rest : { ...rest, transport }, key), key);
  }
  throw new ConfigError(`${key}: needs "url" (HTTP or SSE server) or "command" (stdio server)`, { key });
}

/** `oauth` as `auth`, other clients' spellings inside it; one way to authenticate at a time. */
function withAuth(entry: Record<string, unknown>, key: string): Record<string, unknown> {
  const { oauth, ...rest } = entry;
  if (oauth !== undefined && rest.auth !== undefined) throw new ConfigError(`${key}.oauth: give "auth" or "oauth", not both`, { key: `${key}.oauth` });
  const auth = rest.auth ?? oauth;
  if (auth === undefined) return rest;
  const where = `${key}.${rest.auth === undefined ? "oauth" : "auth"}`;
  if (rest.authProvider !== undefined) throw new ConfigError(`${where}: give "auth" (configuration) or "authProvider" (code), not both`, { key: where });
  const headers = isPlainObject(rest.headers) ? Object.keys(rest.headers) : [];
  if (headers.some((name) => name.toLowerCase() === "authorization")) {
    throw new ConfigError(`${key}.headers.Authorization: the token comes from "${where.split(".").at(-1)}"; drop one of them`, { key: `${key}.headers.Authorization` });
  }
  // Validated here, under the key the file has: the entry below only ever says `auth`.
  return { ...rest, auth: validate(AuthConfigSchema, normalizeAuthEntry(auth), where) };
}

/** VS Code's `mcp.json`: `{"servers": {...}, "inputs": [...]}`, told from a server named "servers" by its entries. */
function isVsCodeFile(input: Record<string, unknown>): boolean {
  const servers = input.servers;
  if (!isPlainObject(servers) || "url" in servers || "command" in servers) return false;
  return Object.keys(input).every((name) => name === "servers" || name === "inputs");
}

/** `value` parsed by `schema`, or a {@link ConfigError} naming each problem by its path under `key`. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, key: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [key, ...issue.path.map(String)];
    // An unknown key is reported on its parent object; name the key itself.
    if (issue.code === "unrecognized_keys") return { path: [...path, issue.keys[0] ?? ""].join("."), message: "unknown key" };
    return { path: path.join("."), message: issue.message };
  });
  const first = problems[0];
  throw new ConfigError(problems.map((problem) => `${problem.path}: ${problem.message}`).join("; "), { key: first?.path });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
