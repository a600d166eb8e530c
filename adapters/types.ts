import type { Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { AuthConfigSchema, AuthProviderSchema } from "./auth/schema.js";
import { DEFAULT_MAX_RESULT_CHARS, MEDIA_KINDS } from "./content.js";

const TimeoutMsSchema = z.number().int().positive().describe("Default timeout of each tool call to this server, in milliseconds (a call's own timeout wins)");
const ConnectTimeoutMsSchema = z.number().int().positive().describe("Bound on connecting to this server and listing its tools, in milliseconds");

/** A remote server over Streamable HTTP or legacy SSE. */
export const HttpServerConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  transport: z
    .enum(["http", "sse"])
    .optional()
    .describe("Omit to try Streamable HTTP and fall back to SSE; a URL ending in /sse means SSE"),
  headers: z.record(z.string(), z.string()).optional().describe("Sent with every HTTP request, e.g. Authorization"),
  auth: AuthConfigSchema.optional().describe("OAuth: how to get an access token for this server (see adapters/README.md)"),
  authProvider: AuthProviderSchema.optional().describe("OAuth from code: the SDK's OAuthClientProvider, used as it is"),
  timeoutMs: TimeoutMsSchema.optional(),
  connectTimeoutMs: ConnectTimeoutMsSchema.optional(),
});

/** A local server the client starts as a child process and talks to over stdio. */
export const StdioServerConfigSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional().describe("Added to a minimal inherited environment (PATH, HOME, …)"),
  cwd: z.string().optional(),
  stderr: z.enum(["inherit", "ignore"]).optional().describe("Where the child's stderr goes; default inherit"),
  timeoutMs: TimeoutMsSchema.optional(),
  connectTimeoutMs: ConnectTimeoutMsSchema.optional(),
});

export const ServerConfigSchema = z.union([HttpServerConfigSchema, StdioServerConfigSchema]);

export const ServersConfigSchema = z.record(z.string().min(1), ServerConfigSchema);

export type HttpServerConfig = z.infer<typeof HttpServerConfigSchema>;
export type StdioServerConfig = z.infer<typeof StdioServerConfigSchema>;
/**
 * One server: `{ url, transport?, headers?, auth?, authProvider?, timeoutMs?, connectTimeoutMs? }` or
 * `{ command, args?, env?, cwd?, stderr?, timeoutMs?, connectTimeoutMs? }`.
 */
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
/** Servers by the name the client uses for them (the prefix of bridged tool names). */
export type ServersConfig = Record<string, ServerConfig>;

/**
 * Spellings other clients write in `{"mcpServers": {...}}` files (Claude Desktop, Cursor, VS Code,
 * `@langchain/mcp-adapters`), mapped onto ours before strict validation.
 */
export const TransportAliasSchema = z
  .enum(["http", "streamable-http", "streamableHttp", "streamable_http", "sse", "stdio"])
  .transform((value) => (value === "sse" || value === "stdio" ? value : "http"));

/** Roots a client offers servers: `file://` URIs, as the MCP spec requires of them. */
export const RootsSchema = z.array(
  z.strictObject({
    uri: z.string().regex(/^file:\/\//, "must be a file:// URI"),
    name: z.string().optional(),
  }),
);
export type Root = z.infer<typeof RootsSchema>[number];
export type LogLevel = NonNullable<z.infer<typeof ClientOptionsSchema>["logLevel"]>;

/** Options of {@link MultiServerClient}; parsed once, defaults here. */
export const ClientOptionsSchema = z.strictObject({
  connectTimeoutMs: z.number().int().positive().default(10_000),
  callTimeoutMs: z.number().int().positive().default(30_000),
  reconnect: z
    .strictObject({
      /** Attempts after a dropped connection before the server is marked failed. */
      maxAttempts: z.number().int().min(1).default(6),
      initialDelayMs: z.number().int().min(0).default(100),
      maxDelayMs: z.number().int().min(0).default(5_000),
      factor: z.number().min(1).default(2),
    })
    .prefault({}),
  /**
   * How long a liveness ping may take: after a transport error (no answer: the session counts as
   * lost), after a call that got no answer (no answer: the server is `unresponsive`; capped by a
   * third of the call's time, floor 1 s), and while unresponsive.
   */
  healthCheckTimeoutMs: z.number().int().positive().default(3_000),
  /** Bound on the characters of text a bridged tool's result gives the model (see `modelContent`). */
  maxResultChars: z.number().int().positive().default(DEFAULT_MAX_RESULT_CHARS),
  /**
   * Media a bridged tool passes to the model as content blocks: `false` (notes instead), `true`
   * (images and audio) or a list such as `["image"]`. Only for a model that reads them in tool results.
   */
  multimodal: z.union([z.boolean(), z.array(z.enum(MEDIA_KINDS))]).default(false),
  /** Name and version this client reports in `initialize`. */
  clientInfo: z.strictObject({ name: z.string(), version: z.string() }).default({ name: "mcp-graph", version: "0.1.0" }),
  /**
   * The roots servers may work in, answered to `roots/list` (the capability is declared only when
   * given; `setRoots` changes them and tells the servers).
   */
  roots: RootsSchema.optional(),
  /** Sent as `logging/setLevel` to each server that declares `logging`, after it connects. */
  logLevel: z.enum(["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]).optional(),
});

export type ClientOptionsInput = z.input<typeof ClientOptionsSchema>;
export type ClientOptions = z.output<typeof ClientOptionsSchema>;

/** An MCP tool's `inputSchema`/`outputSchema`: a JSON Schema object with `type: "object"`. */
export type JsonSchemaObject = Tool["inputSchema"];
export type { ToolAnnotations };

/** One tool of one connected server, as listed by the server. */
export interface ToolInfo {
  /** Configuration name of the server (e.g. `math`). */
  server: string;
  /** The tool's name on its server (e.g. `multiply`). */
  name: string;
  /** Unique LangChain-safe name across all servers (e.g. `math__multiply`). */
  bridgedName: string;
  title?: string;
  description: string;
  /** The server's JSON Schema, unchanged. */
  inputSchema: JsonSchemaObject;
  outputSchema?: JsonSchemaObject;
  annotations?: ToolAnnotations;
}

/**
 * - `connecting`: the first attempt (or a fresh one after `failed`) is under way.
 * - `connected`: a session is open; calls go out.
 * - `unresponsive`: the session is open but the server stopped answering (a call timed out and the
 *   ping after it did too). Its tools stay in the catalog, calls to it fail at once with
 *   `ServerUnresponsiveError`, and it is pinged in the background until it answers (`connected`).
 * - `reconnecting`: the session dropped; a new one is being opened with backoff. Calls wait for it.
 * - `failed`: down at start, or reconnecting gave up. A call or `connect()` makes one fresh attempt.
 * - `closed`: the client was closed.
 */
export type ServerState = "connecting" | "connected" | "unresponsive" | "reconnecting" | "failed" | "closed";
export type TransportKind = "http" | "sse" | "stdio";

export interface ServerStatus {
  state: ServerState;
  /** The transport of the current (or last) session. */
  transport?: TransportKind;
  /** Why the server is failed, reconnecting or unresponsive (the last error). */
  error?: string;
  /** Tools currently offered; 0 unless connected. */
  toolCount: number;
  /** `serverInfo` from the server's `initialize` result. */
  serverInfo?: { name: string; version: string };
}
