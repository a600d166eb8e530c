import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Implementation,
  type Tool,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { clip, MAX_ECHO_CHARS } from "./echo.js";
import type { HostedServer } from "./http-host.js";
import { SERVER_VERSION } from "./version.js";

/** What a handler returns: text for the model, plus structured data when the tool declares an output schema. */
export type ToolReply<O extends z.ZodObject | undefined> = O extends z.ZodObject
  ? { text: string; structured: z.input<O> }
  : { text: string };

/** What a handler may do besides answering. */
export interface ToolContext {
  /**
   * Reports progress (`notifications/progress`) when the client asked for it with a `progressToken`;
   * a no-op otherwise. Only a tool defined with `reportsProgress` gets a streamed response to carry it.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Fires when the client cancels the call. */
  signal: AbortSignal;
}

/** One tool, defined once: its zod schemas feed `tools/list`, validate `tools/call` and type the handler. */
export interface ToolDefinition<I extends z.ZodObject, O extends z.ZodObject | undefined = undefined> {
  /** snake_case, never containing `__` (the client bridge's separator). */
  name: string;
  title?: string;
  description: string;
  /** Every field must carry `.describe()`: that text is what a model reads. */
  inputSchema: I;
  outputSchema?: O;
  annotations?: ToolAnnotations;
  /**
   * The handler calls `context.progress`: over Streamable HTTP a call that carries a `progressToken`
   * is then answered as an SSE stream (progress, then the result) instead of one JSON body.
   */
  reportsProgress?: boolean;
  /** Throwing is fine: the error message becomes an `isError` result. */
  handler: (args: z.output<I>, context: ToolContext) => ToolReply<O> | Promise<ToolReply<O>>;
}

/** A tool with its types erased, ready for a registry. */
export interface RegisteredTool {
  readonly name: string;
  /** The `tools/list` entry, JSON Schemas derived from the zod schemas. */
  readonly listing: Tool;
  readonly reportsProgress: boolean;
  /** Validates `args`, runs the handler; every failure comes back as an `isError` result, never a throw. */
  call(args: unknown, context?: ToolContext): Promise<CallToolResult>;
}

const SILENT: ToolContext = { progress: () => Promise.resolve(), signal: new AbortController().signal };

/** Thrown at definition time for a tool that would mislead clients (bad name, undocumented field). */
export class ToolDefinitionError extends Error {
  constructor(
    message: string,
    readonly toolName: string,
  ) {
    super(message);
    this.name = "ToolDefinitionError";
  }
}

/** Longest progress message a tool sends; a client shows it on one line. */
const MAX_PROGRESS_MESSAGE_CHARS = 200;

const TOOL_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * Turns a definition into a {@link RegisteredTool}.
 * @throws ToolDefinitionError if the name is not snake_case or an input field lacks a description.
 */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject | undefined = undefined>(
  definition: ToolDefinition<I, O>,
): RegisteredTool {
  const { name, inputSchema, outputSchema, handler } = definition;
  if (!TOOL_NAME.test(name)) {
    throw new ToolDefinitionError(`Tool name "${name}" must be snake_case (no "__")`, name);
  }
  for (const [field, schema] of Object.entries(inputSchema.shape)) {
    if (!(schema as z.ZodType).description) {
      throw new ToolDefinitionError(`Tool "${name}": input field "${field}" has no .describe() text`, name);
    }
  }

  const listing: Tool = {
    name,
    ...(definition.title === undefined ? {} : { title: definition.title }),
    description: definition.description,
    inputSchema: z.toJSONSchema(inputSchema, { io: "input" }) as Tool["inputSchema"],
    ...(outputSchema === undefined
      ? {}
      : { outputSchema: z.toJSONSchema(outputSchema, { io: "output" }) as Tool["outputSchema"] }),
    ...(definition.annotations === undefined ? {} : { annotations: definition.annotations }),
  };

  async function call(args: unknown, context: ToolContext = SILENT): Promise<CallToolResult> {
    // A client may omit `arguments` entirely; treat that like an empty object so the
    // missing fields are named in the error instead of "expected object".
    const parsed = inputSchema.safeParse(args ?? {});
    if (!parsed.success) {
      return errorResult(`Invalid arguments for tool "${name}": ${formatIssues(parsed.error)}`);
    }
    let reply: ToolReply<O>;
    try {
      reply = await handler(parsed.data, context);
    } catch (error) {
      return errorResult(`Tool "${name}" failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (outputSchema === undefined) {
      return { content: [{ type: "text", text: reply.text }] };
    }
    const structured = outputSchema.safeParse((reply as { structured: unknown }).structured);
    if (!structured.success) {
      // Our own bug, but the caller still deserves a result it can explain rather than a broken schema promise.
      return errorResult(`Tool "${name}" produced output that violates its output schema: ${formatIssues(structured.error)}`);
    }
    return {
      content: [{ type: "text", text: reply.text }],
      structuredContent: structured.data as Record<string, unknown>,
    };
  }

  return { name, listing, reportsProgress: definition.reportsProgress === true, call };
}

const MAX_ISSUES = 10;

/**
 * `a: message; b: message` — short enough for a model to read and act on. Issues can quote the input
 * (a strict object lists every unrecognized key), so each is clipped and only the first few are named.
 */
export function formatIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = clip(issue.path.map(String).join("."));
    return clip(path === "" ? issue.message : `${path}: ${issue.message}`, 2 * MAX_ECHO_CHARS);
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join("; ")}; and ${more} more` : shown.join("; ");
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

/**
 * Installs `tools/list` and `tools/call` handlers dispatching through a map by name.
 * An unknown tool is a protocol error (`-32602`), as the MCP spec says; everything else is a result.
 * @throws ToolDefinitionError on duplicate tool names.
 */
export function registerTools(server: Server, tools: readonly RegisteredTool[]): void {
  const registry = new Map<string, RegisteredTool>();
  for (const tool of tools) {
    if (registry.has(tool.name)) {
      throw new ToolDefinitionError(`Duplicate tool name "${tool.name}"`, tool.name);
    }
    registry.set(tool.name, tool);
  }
  const listings = tools.map((tool) => tool.listing);

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listings }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const tool = registry.get(request.params.name);
    if (tool === undefined) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown tool "${clip(request.params.name)}". Available tools: ${[...registry.keys()].join(", ")}`,
      );
    }
    const token = request.params._meta?.progressToken;
    const progress =
      token === undefined
        ? SILENT.progress
        : (value: number, total?: number, message?: string) =>
            extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress: value, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message: clip(message, MAX_PROGRESS_MESSAGE_CHARS) } : {}) },
            });
    return tool.call(request.params.arguments, { progress, signal: extra.signal });
  });
}

/**
 * One JSON-schema validator for every session `Server` of a hosting. The SDK's `Server` builds an
 * Ajv instance of its own unless given one, about 18 KiB of heap per session and 12–15 % of the
 * server's CPU per connect, for elicitation, which our servers never do; this one builds Ajv only
 * if a schema ever needs it.
 */
export function sharedSchemaValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return { getValidator: (schema) => (ajv ??= new AjvJsonSchemaValidator()).getValidator(schema) };
}

/**
 * A fresh low-level `Server` offering exactly `tools`; one per session, never shared. Sessions may
 * share `validator` (see {@link sharedSchemaValidator}).
 */
export function createToolServer(info: Implementation, tools: readonly RegisteredTool[], instructions?: string, validator = sharedSchemaValidator()): Server {
  const server = new Server(info, {
    capabilities: { tools: {} },
    jsonSchemaValidator: validator,
    ...(instructions === undefined ? {} : { instructions }),
  });
  registerTools(server, tools);
  return server;
}

/** Everything that makes one of our tools-only servers what it is. */
export interface ToolServerSpec {
  /** `serverInfo.name`, e.g. `MathServer`. */
  name: string;
  /** Sent to clients at initialize; a line on what the tools are for. */
  instructions: string;
  tools: readonly RegisteredTool[];
  /** The server's well-known port. */
  defaultPort: number;
}

/** How the HTTP host serves `spec`: its `createServer` makes a fresh `Server` per session. */
export function toolServerHosting(spec: ToolServerSpec): HostedServer {
  const validator = sharedSchemaValidator();
  return {
    name: spec.name,
    version: SERVER_VERSION,
    toolNames: spec.tools.map((tool) => tool.name),
    progressToolNames: spec.tools.filter((tool) => tool.reportsProgress).map((tool) => tool.name),
    defaultPort: spec.defaultPort,
    createServer: () => createToolServer({ name: spec.name, version: SERVER_VERSION }, spec.tools, spec.instructions, validator),
  };
}
