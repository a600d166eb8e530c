import type { Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

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
 * One server: `{ url, transport?, headers?, timeoutMs?, connectTimeoutMs? }` or
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
  /** How long a liveness ping may take after a transport error before the session counts as lost. */
  healthCheckTimeoutMs: z.number().int().positive().default(3_000),
  /** Name and version this client reports in `initialize`. */
  clientInfo: z.strictObject({ name: z.string(), version: z.string() }).default({ name: "mcp-graph", version: "0.1.0" }),
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

export type ServerState = "connecting" | "connected" | "reconnecting" | "failed" | "closed";
export type TransportKind = "http" | "sse" | "stdio";

export interface ServerStatus {
  state: ServerState;
  /** The transport of the current (or last) session. */
  transport?: TransportKind;
  /** Why the server is failed or reconnecting (the last error). */
  error?: string;
  /** Tools currently offered; 0 unless connected. */
  toolCount: number;
  /** `serverInfo` from the server's `initialize` result. */
  serverInfo?: { name: string; version: string };
}
