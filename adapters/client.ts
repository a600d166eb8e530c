import type { StructuredToolInterface } from "@langchain/core/tools";
import type { CallToolResult, CreateMessageRequest, CreateMessageResult, ElicitRequest, ElicitResult, LoggingMessageNotification, Tool } from "@modelcontextprotocol/sdk/types.js";
import { attachOAuthProviders, type OAuthOptions } from "./auth/login.js";
import { parseServersConfig, validate } from "./config.js";
import { ServerConnection, type CallOptions, type ConnectionHooks } from "./connection.js";
import { ConfigError, UnknownServerError, UnknownToolError } from "./errors.js";
import { BridgedNames } from "./naming.js";
import type { ResultContentOptions } from "./content.js";
import { bridgeTool } from "./tools.js";
import type { ProgressUpdate } from "./notifications.js";
import { sharedOutputValidator } from "./validation.js";
import { ClientOptionsSchema, RootsSchema, type ClientOptionsInput, type Root, type ServersConfig, type ServerStatus, type ToolInfo } from "./types.js";

export type { CallOptions };

export interface MultiServerClientOptions extends ClientOptionsInput {
  /** Called whenever a server's status changes (connected, unresponsive, reconnecting, failed, closed). */
  onStatusChange?: (server: string, status: ServerStatus) => void;
  /** Called whenever a server's tools change: connected, refreshed after `list_changed`, or gone. */
  onToolsChanged?: (server: string, tools: ToolInfo[]) => void;
  /** How servers configured with `auth` log in: the token store, and how a person is shown the login URL. */
  oauth?: OAuthOptions;
  /**
   * Answers a server's `elicitation/create` that no call's own `onElicitation` answers; setting it
   * declares the capability, form and URL modes (`params.mode`: `"url"` asks the person to open
   * `params.url`; accept means they did). Omitted fields of an accepted form get the schema's defaults
   * (SEP-1034); `signal` fires when the server withdraws the question. Without it nothing is declared
   * and a question that comes anyway is declined.
   */
  onElicitation?: (server: string, params: ElicitRequest["params"], context: { signal: AbortSignal }) => Promise<ElicitResult>;
  /**
   * Answers a server's `sampling/createMessage` with a model's message; setting it declares `sampling`
   * (no `tools`, no `context`). Requests with tools or past the size limits are refused before it is
   * called, its result's text is cut at `MAX_SAMPLING_OUTPUT_CHARS`, and `signal` fires after
   * `MAX_SAMPLING_WAIT_MS` or when the server withdraws the request. Throw `SamplingDeclinedError`
   * when the user refuses; any error reaches the server as an error, never as a message.
   */
  onSampling?: (server: string, params: CreateMessageRequest["params"], context: { signal: AbortSignal }) => Promise<CreateMessageResult>;
  /** A server's `notifications/message`, bounded per server in rate and length (see `logLevel`). */
  onLog?: (server: string, params: LoggingMessageNotification["params"]) => void;
  /** Progress of any running call (as each call's own `onProgress` hears it). */
  onProgress?: (server: string, tool: string, update: ProgressUpdate) => void;
}

/**
 * Sessions to several MCP servers at once, with their tools as one catalog and as LangChain tools.
 *
 * - `connect()` opens all sessions concurrently, each bounded by its timeout; a server that is down
 *   is reported in `status()` and its tools are absent, the rest work.
 * - Tool lists are read fully (all pages), cached, and refreshed on `notifications/tools/list_changed`
 *   and after every reconnection.
 * - A dropped session is reopened with bounded exponential backoff. A call that hits the drop is
 *   retried once when it provably never reached the server, or when the tool is annotated
 *   read-only or idempotent; otherwise it fails with {@link ConnectionLostError}.
 * - A server that stops answering (a call gets no answer, nor does the ping after it) is
 *   `unresponsive`: calls to it fail at once until a background ping is answered.
 *
 * @example
 * const client = new MultiServerClient({ calc: { url: "http://127.0.0.1:3000/mcp" }, files: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"] } });
 * await client.connect();
 * const result = await client.callTool("calc", "multiply", { a: 5, b: 24 });
 * await client.close();
 */
export class MultiServerClient {
  private readonly connections = new Map<string, ServerConnection>();
  private readonly names = new BridgedNames();
  private readonly onStatusChange: MultiServerClientOptions["onStatusChange"];
  private readonly onToolsChanged: MultiServerClientOptions["onToolsChanged"];
  private bridged: StructuredToolInterface[] | undefined;
  private readonly resultOptions: Required<ResultContentOptions>;
  private frozenCatalog: readonly ToolInfo[] | undefined;
  private readonly frozenTools = new WeakMap<ToolInfo, ToolInfo>();
  private readonly stopLogins: () => void;
  private roots: Root[] | undefined;

  /**
   * @param config servers by name, from code or {@link parseServersConfig}; validated again here.
   * @throws {ConfigError} when the configuration or an option is invalid.
   */
  constructor(config: ServersConfig, options: MultiServerClientOptions = {}) {
    const { onStatusChange, onToolsChanged, onElicitation, onSampling, onLog, onProgress, oauth, ...rest } = options;
    const { servers, close: stopLogins } = attachOAuthProviders(parseServersConfig(config), oauth);
    this.stopLogins = stopLogins;
    const parsed = ClientOptionsSchema.safeParse(rest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = issue?.path.join(".") || (issue?.code === "unrecognized_keys" ? issue.keys[0] : undefined);
      throw new ConfigError(`options${key ? `.${key}` : ""}: ${issue?.message ?? "invalid"}`, { key });
    }
    this.roots = parsed.data.roots?.map((root) => ({ ...root }));
    const hooks: ConnectionHooks = { onElicitation, onSampling, onLog, onProgress, roots: () => this.roots?.map((root) => ({ ...root })) };
    this.onStatusChange = onStatusChange;
    this.onToolsChanged = onToolsChanged;
    this.resultOptions = { maxResultChars: parsed.data.maxResultChars, multimodal: parsed.data.multimodal };
    const describeTool = (server: string, tool: Tool) => this.describeTool(server, tool);
    const outputValidator = sharedOutputValidator();
    for (const [name, server] of Object.entries(servers)) {
      const connection = new ServerConnection(name, server, parsed.data, describeTool, (kind) => this.changed(name, kind), outputValidator, hooks);
      this.connections.set(name, connection);
    }
  }

  /**
   * Connects every server that is not connected yet, all at once. Resolves when each has connected
   * or failed (or timed out); never rejects because a server failed. Calling it again retries the
   * failed ones; a server waiting out a reconnect backoff makes its next attempt at once, and only
   * that attempt is waited for.
   */
  async connect(): Promise<Record<string, ServerStatus>> {
    await Promise.all([...this.connections.values()].map((connection) => connection.connect()));
    return this.status();
  }

  /**
   * Waits briefly for connections already under way: resolves once no server is `connecting` or
   * `reconnecting`, or after `timeoutMs`, whichever comes first. A server waiting out a reconnect
   * backoff makes its next attempt at once, and one whose attempt is running (it may have begun before
   * the server came back) makes another right after it; a server still down is not retried faster
   * than that. Starts nothing new (a `failed` server stays failed; see
   * {@link connect}) and does not wait for an `unresponsive` one. Never rejects.
   *
   * For a host about to read the catalog: a question asked just after a server restarted should find
   * it back rather than be told it is unavailable.
   * @returns {@link status} at that moment.
   */
  async settle(timeoutMs = 1_000): Promise<Record<string, ServerStatus>> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, timeoutMs));
      timer.unref();
    });
    try {
      await Promise.race([Promise.all([...this.connections.values()].map((connection) => connection.settle())), expired]);
    } finally {
      clearTimeout(timer);
    }
    return this.status();
  }

  /** Status of each server by name, readable at any time. */
  status(): Record<string, ServerStatus> {
    return Object.fromEntries([...this.connections].map(([name, connection]) => [name, connection.status()]));
  }

  /**
   * Tools of the connected servers, in configuration order, as cached from their last listing. The same
   * frozen array comes back until a server's tools or status change, so callers can cache by identity
   * (the graph asks for it with every question) and cannot alter what calls are validated against.
   */
  catalog(): readonly ToolInfo[] {
    this.frozenCatalog ??= Object.freeze(
      [...this.connections.values()].flatMap((connection) => connection.tools().map((tool) => this.frozenTool(tool))),
    );
    return this.frozenCatalog;
  }

  /**
   * The frozen copy of a connection's tool, made once: a connection keeps its tool objects until it
   * lists its tools again, so the servers whose tools did not change keep the same objects across a
   * new catalog, and whoever caches per tool by identity redoes only the changed server's tools.
   */
  private frozenTool(tool: ToolInfo): ToolInfo {
    let frozen = this.frozenTools.get(tool);
    if (!frozen) {
      frozen = deepFreeze(structuredClone(tool));
      this.frozenTools.set(tool, frozen);
    }
    return frozen;
  }

  /**
   * The catalog as LangChain tools, named by {@link ToolInfo.bridgedName}; rebuilt only when a tool list
   * changes. Their results reach the model bounded by `maxResultChars`, with the media `multimodal`
   * allows as content blocks (the client's options, unless given here for a model that differs).
   * @throws {RangeError} when `maxResultChars` is not a positive integer.
   */
  getTools(options: ResultContentOptions = {}): StructuredToolInterface[] {
    const custom = options.maxResultChars !== undefined || options.multimodal !== undefined;
    const resultOptions = { ...this.resultOptions, ...options };
    if (!Number.isInteger(resultOptions.maxResultChars) || resultOptions.maxResultChars < 1) {
      throw new RangeError(`maxResultChars must be a positive integer, got ${String(resultOptions.maxResultChars)}`);
    }
    // LangChain's validator annotates the schema it is given, so each tool gets a mutable copy.
    const build = () =>
      this.catalog().map((tool) =>
        bridgeTool(structuredClone(tool), (args, callOptions) => this.callTool(tool.server, tool.name, args, callOptions), resultOptions),
      );
    if (custom) return build();
    this.bridged ??= build();
    return [...this.bridged];
  }

  /** The server and tool behind a bridged name, or undefined if this client never assigned it. */
  resolveTool(bridgedName: string): { server: string; tool: string } | undefined {
    return this.names.resolve(bridgedName);
  }

  /**
   * Calls a tool. The arguments are checked against the tool's input schema before anything is sent.
   * Returns the MCP result as the server sent it, `isError` results included.
   * @throws {UnknownServerError} the server is not configured.
   * @throws {UnknownToolError} the server does not list the tool.
   * @throws {InvalidToolArgumentsError} the arguments do not match the tool's schema (nothing was sent).
   * @throws {ServerUnavailableError} the server is down and could not be reached within the timeout, or the client is closed.
   * @throws {ServerUnresponsiveError} the server is `unresponsive` (it stopped answering pings); nothing was sent.
   * @throws {ToolTimeoutError} no result within `timeoutMs` (default: the server's `timeoutMs`, else `callTimeoutMs`);
   *   the server may still run the call (`mayStillRun`), which was not repeated.
   * @throws {ToolCallAbortedError} `signal` fired.
   * @throws {ConnectionLostError} the connection dropped mid-call and the tool is not safe to repeat.
   * @throws {ToolProtocolError} the server answered with a JSON-RPC error.
   */
  async callTool(server: string, tool: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<CallToolResult> {
    const connection = this.connections.get(server);
    if (!connection) throw new UnknownServerError(server, [...this.connections.keys()]);
    return connection.callTool(tool, args, options);
  }

  /**
   * {@link callTool} by bridged name (e.g. `math__multiply`).
   * @throws {UnknownToolError} the name maps to no tool; otherwise as {@link callTool}.
   */
  async callBridgedTool(bridgedName: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<CallToolResult> {
    const target = this.resolveTool(bridgedName);
    if (!target) throw new UnknownToolError(bridgedName);
    return this.callTool(target.server, target.tool, args, options);
  }

  /**
   * Replaces the roots answered to `roots/list` and tells each connected server
   * (`notifications/roots/list_changed`). Sessions opened without roots declared none; they learn of
   * roots when they reconnect.
   * @throws {ConfigError} when a root is not a `file://` URI.
   */
  setRoots(roots: Root[]): void {
    this.roots = validate(RootsSchema, roots, "roots");
    for (const connection of this.connections.values()) connection.rootsChanged();
  }

  /** Closes every session and stops reconnecting; afterwards calls fail and the process can exit. */
  async close(): Promise<void> {
    this.stopLogins();
    await Promise.all([...this.connections.values()].map((connection) => connection.close()));
  }

  private describeTool(server: string, tool: Tool): ToolInfo {
    return {
      server,
      name: tool.name,
      bridgedName: this.names.assign(server, tool.name),
      ...(tool.title !== undefined ? { title: tool.title } : {}),
      description: tool.description ?? "",
      inputSchema: tool.inputSchema,
      ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
    };
  }

  private changed(server: string, kind: "status" | "tools"): void {
    const connection = this.connections.get(server);
    if (!connection) return;
    // A server's tools leave the catalog when it goes down and return when it reconnects.
    this.frozenCatalog = undefined;
    if (kind === "tools") {
      this.bridged = undefined;
      this.onToolsChanged?.(server, connection.tools().map((tool) => structuredClone(tool)));
    } else {
      this.onStatusChange?.(server, connection.status());
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
