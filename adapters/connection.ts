import { AsyncLocalStorage } from "node:async_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  ProgressNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type ClientCapabilities,
  type Progress,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { completePendingLogin, loginPending } from "./auth/login.js";
import { Deadline } from "./deadline.js";
import { completeElicitResult, MAX_ELICITATION_WAIT_MS, type ElicitationHandler, type ElicitationParams, type ElicitResult } from "./elicitation.js";
import { boundSamplingResult, checkSamplingRequest, MAX_SAMPLING_WAIT_MS, samplingFailure, type CreateMessageResult, type SamplingHandler, type SamplingParams } from "./sampling.js";
import { LogGate, progressGate, type LogMessage, type ProgressUpdate } from "./notifications.js";
import {
  ConnectionLostError,
  InvalidToolArgumentsError,
  ServerUnavailableError,
  ServerUnresponsiveError,
  ToolCallAbortedError,
  ToolProtocolError,
  ToolTimeoutError,
  UnknownToolError,
} from "./errors.js";
import { describeFailure, failureKind, openClient } from "./transport.js";
import type { ClientOptions, Root, ServerConfig, ServerState, ServerStatus, ToolInfo, TransportKind } from "./types.js";
import { validateToolArguments } from "./validation.js";

/** Bursts of `tools/list_changed` (e.g. a server registering tools one by one) cost one refresh. */
const REFRESH_DEBOUNCE_MS = 50;
/** A server paging forever (a cursor that never ends) must not hang the catalog. */
const MAX_TOOL_PAGES = 1_000;
/** Time a session-terminating DELETE may take on close before the transport is closed anyway. */
const TERMINATE_GRACE_MS = 500;
/** Shortest ping after a call that got no answer: a busy but healthy server must not be judged in milliseconds. */
const MIN_CALL_PING_MS = 1_000;
/** Shortest pause between background pings to an unresponsive server, whatever the backoff options say or wakes it. */
const MIN_WATCH_DELAY_MS = 100;
/**
 * Over HTTP an unanswered ping (and the cancellation the SDK sends after it) holds a socket until the
 * server answers or undici gives up (5 min), so an unresponsive server is pinged on the reconnect
 * backoff this many times, then only every {@link SLOW_WATCH_DELAY_MS}, or at once when its session
 * shows a sign of life (a late answer arrives as a transport error).
 */
const FULL_RATE_WATCH_PINGS = 8;
const SLOW_WATCH_DELAY_MS = 30_000;
/** Logins one connection attempt may go through (a server that keeps asking for more scope must not loop). */
const MAX_LOGINS_PER_ATTEMPT = 2;

interface Session {
  client: Client;
  kind: TransportKind;
  serverInfo: { name: string; version: string } | undefined;
  tools: ToolInfo[];
  refreshTimer: NodeJS.Timeout | undefined;
  refreshSeq: number;
}

export interface CallOptions {
  /** Total time for the call, including waiting for a reconnection and one retry (not the time a person takes to answer the server's questions). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Progress the server reports for this call (`notifications/progress`; asking for it sends a `progressToken`). */
  onProgress?: (update: ProgressUpdate) => void;
  /**
   * Answers the server's questions (`elicitation/create`) during this call, instead of the client's
   * `onElicitation`, which must be set (it declares the capability). Over Streamable HTTP a question
   * is this call's when it arrives on the call's response stream; over stdio and SSE, when this is
   * the server's only call running.
   */
  onElicitation?: (params: ElicitationParams, context: { signal: AbortSignal }) => Promise<ElicitResult>;
}

/** What a client hears from its servers besides results, wired once for all its connections. */
export interface ConnectionHooks {
  /** Declares elicitation (form and URL modes) when set; the fallback for questions no call answers. */
  onElicitation?: ElicitationHandler;
  /** Declares sampling when set; answers every `sampling/createMessage`. */
  onSampling?: SamplingHandler;
  /** The roots now; roots are declared (with listChanged) when this gives an array at connect time. */
  roots(): Root[] | undefined;
  onLog?: (server: string, message: LogMessage) => void;
  onProgress?: (server: string, tool: string, update: ProgressUpdate) => void;
}

/** A call in flight: what its server's questions and progress go to. */
interface RunningCall {
  tool: string;
  deadline: Deadline;
  options: CallOptions;
}

/**
 * The call a message belongs to, where the transport reads it in that call's async context. One for
 * every connection (a connection knows its own calls): Node keeps each AsyncLocalStorage that was
 * ever entered and walks them all at every promise it creates, so one per connection made every
 * question slower by each connection ever opened (a warm question 55 → 414 ms after 400 clients
 * had come and gone).
 */
const callScope = new AsyncLocalStorage<RunningCall>();

/**
 * One configured server: its current session (at most one), its cached tool list, and the state
 * machine connecting → connected → reconnecting → connected | failed, closed at the end, with
 * connected ⇄ unresponsive beside it. A dropped session is replaced by a new one with bounded
 * exponential backoff; a failed server gets one fresh attempt whenever a call or `connect()` asks
 * for it. A call that gets no answer leads to a ping; no answer to that either makes the server
 * unresponsive: calls fail at once, and background pings bring it back when it answers.
 */
export class ServerConnection {
  private state: ServerState = "connecting";
  private session: Session | undefined;
  private lastKind: TransportKind | undefined;
  private lastServerInfo: { name: string; version: string } | undefined;
  private error: string | undefined;
  private recovering: Promise<Session | undefined> | undefined;
  // The verdict on a session under suspicion (a transport error, or a call without an answer).
  private healthCheck: Promise<void> | undefined;
  // Background pings while unresponsive, and what cuts their pause short.
  private watching: Promise<void> | undefined;
  private wakeWatch: (() => void) | undefined;
  // Ends the current reconnect backoff early (connect(), settle()).
  private wakeBackoff: (() => void) | undefined;
  // Connection attempts begun and ended, and who waits for the next end (connect(), settle()).
  private attemptsBegun = 0;
  private attemptsEnded = 0;
  private attemptWaiters: Array<() => void> = [];
  private lastEmitted: string | undefined;
  private readonly lifetime = new AbortController();
  // A list_changed that arrives while connecting would otherwise be lost between the initial
  // tools/list and the session becoming current.
  private readonly changedBeforeInstall = new WeakSet<Client>();
  private readonly running = new Set<RunningCall>();
  private readonly logGate = new LogGate();
  // Calls that asked for progress, by the token they sent.
  private readonly progressListeners = new Map<string, (update: Progress) => void>();
  private progressTokens = 0;

  constructor(
    readonly name: string,
    private readonly config: ServerConfig,
    private readonly options: ClientOptions,
    private readonly describeTool: (server: string, tool: Tool) => ToolInfo,
    private readonly onChange: (kind: "status" | "tools") => void,
    // Shared by all sessions of a client: the SDK would otherwise build an Ajv instance per session.
    private readonly outputValidator: jsonSchemaValidator,
    private readonly hooks: ConnectionHooks = { roots: () => undefined },
  ) {}

  private get closed(): boolean {
    return this.lifetime.signal.aborted;
  }

  status(): ServerStatus {
    const transport = this.session?.kind ?? this.lastKind;
    const serverInfo = this.session?.serverInfo ?? this.lastServerInfo;
    return {
      state: this.state,
      ...(transport ? { transport } : {}),
      ...(this.error !== undefined && (this.state === "failed" || this.state === "reconnecting" || this.state === "unresponsive")
        ? { error: this.error }
        : {}),
      toolCount: this.session?.tools.length ?? 0,
      ...(serverInfo ? { serverInfo: { ...serverInfo } } : {}),
    };
  }

  /** Tools of the current session; empty while not connected. */
  tools(): readonly ToolInfo[] {
    return this.session?.tools ?? [];
  }

  /**
   * Connects unless connected. A reconnection under way makes a fresh attempt now: its backoff is
   * cut short, or, when an attempt is already running (it may have begun before the server came
   * back), the next one follows it without a pause. This waits for that fresh attempt, not for the
   * whole schedule. Never rejects.
   */
  async connect(): Promise<void> {
    if (this.closed || this.session) return;
    if (!this.recovering) {
      await this.recover("connecting", 1);
      return;
    }
    await this.freshAttempt();
  }

  /**
   * As {@link connect} for a reconnection under way, then waits until no attempts remain (connected
   * or failed), without hurrying them again: a server still down is not hammered. Never rejects.
   */
  async settle(): Promise<void> {
    await this.freshAttempt();
    while (this.recovering) await this.recovering.catch(() => undefined);
  }

  private async freshAttempt(): Promise<void> {
    const target = this.attemptsBegun + 1;
    while (this.recovering && !this.closed && this.attemptsEnded < target) {
      const ended = new Promise<void>((resolve) => this.attemptWaiters.push(resolve));
      this.hurry();
      await ended;
    }
  }

  /** Ends a reconnect backoff early: the next attempt starts now. */
  private hurry(): void {
    this.wakeBackoff?.();
  }

  /**
   * Calls a tool on this server after validating the arguments against its input schema.
   * Returns the result as the server sent it, `isError` results included.
   */
  async callTool(toolName: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<CallToolResult> {
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs ?? this.options.callTimeoutMs;
    const deadline = new Deadline(timeoutMs, options.signal);
    const progress = { sent: 0 };
    const call: RunningCall = { tool: toolName, deadline, options };
    this.running.add(call);
    try {
      return await callScope.run(call, () => this.callWithRetry(call, args, progress));
    } catch (error) {
      if (deadline.cancelled) throw new ToolCallAbortedError(this.name, toolName, options.signal?.reason);
      if (deadline.expired) throw new ToolTimeoutError(this.name, toolName, timeoutMs, progress.sent);
      throw error;
    } finally {
      this.running.delete(call);
      deadline.dispose();
    }
  }

  /** Tells the current session its roots changed, if it declared them. */
  rootsChanged(): void {
    // Refused (and ignored) by the SDK for a session that did not declare roots.
    void this.session?.client.sendRootsListChanged().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.lifetime.abort();
    const session = this.session;
    this.session = undefined;
    this.state = "closed";
    if (session) {
      clearTimeout(session.refreshTimer);
      await terminate(session.client);
    }
    await Promise.all([this.recovering, this.watching]);
    this.emit("status");
    if (session) this.emit("tools");
  }

  /** `progress.sent` counts the requests that may have reached the server, for the timeout's message. */
  private async callWithRetry(call: RunningCall, args: Record<string, unknown>, progress: { sent: number }): Promise<CallToolResult> {
    const onprogress = this.progressListener(call);
    const progressToken = onprogress ? `${this.name}:${++this.progressTokens}` : undefined;
    if (onprogress && progressToken) this.progressListeners.set(progressToken, onprogress);
    try {
      return await this.attemptCall(call, args, progress, progressToken);
    } finally {
      if (progressToken) this.progressListeners.delete(progressToken);
    }
  }

  private async attemptCall(call: RunningCall, args: Record<string, unknown>, progress: { sent: number }, progressToken: string | undefined): Promise<CallToolResult> {
    const { tool: toolName, deadline } = call;
    for (let attempt = 0; ; attempt++) {
      const session = await this.ready(deadline);
      const tool = session.tools.find((candidate) => candidate.name === toolName);
      if (!tool) throw new UnknownToolError(toolName, this.name, session.tools.map((candidate) => candidate.name));
      const check = validateToolArguments(tool, args);
      if (!check.ok) throw new InvalidToolArgumentsError(this.name, toolName, check.error);
      const budget = deadline.remaining();
      const watch = this.watchCall(session, budget);
      progress.sent++;
      try {
        // Parsed with CallToolResultSchema, so never the pre-2024 `toolResult` shape the return type also admits.
        // The deadline rules (its signal cancels the request); the SDK's own timer only backs it up,
        // past the time a question may wait for a person, which the deadline does not count.
        const params = { name: toolName, arguments: args, ...(progressToken ? { _meta: { progressToken } } : {}) };
        return (await session.client.callTool(params, CallToolResultSchema, {
          timeout: budget + Math.max(this.hooks.onElicitation ? MAX_ELICITATION_WAIT_MS : 0, this.hooks.onSampling ? MAX_SAMPLING_WAIT_MS : 0),
          signal: deadline.signal,
        })) as CallToolResult;
      } catch (error) {
        // The SDK reports the caller's abort as a RequestTimeout too; only a real timeout makes the server suspect.
        const timedOut = !deadline.cancelled && (isRequestTimeout(error) || deadline.expired);
        if (timedOut) watch.now();
        if (deadline.signal.aborted) throw error;
        if (timedOut) throw new ToolTimeoutError(this.name, toolName, deadline.timeoutMs, progress.sent);
        const kind = failureKind(error);
        if (kind === "other") {
          const code = error instanceof McpError ? error.code : undefined;
          throw new ToolProtocolError(this.name, toolName, describeFailure(error), code, { cause: error });
        }
        this.lose(session.client, describeFailure(error));
        if (kind === "not-delivered") progress.sent--;
        // Repeating is safe when nothing ran, or when running twice is harmless by the tool's own account.
        const repeatable = kind === "not-delivered" || tool.annotations?.readOnlyHint === true || tool.annotations?.idempotentHint === true;
        if (attempt === 0 && repeatable) continue;
        if (kind === "not-delivered") throw new ServerUnavailableError(this.name, describeFailure(error), { cause: error });
        throw new ConnectionLostError(this.name, toolName, { cause: error, retried: attempt > 0 });
      } finally {
        watch.stop();
      }
    }
  }

  /**
   * Arms the breaker for one request: if it has no answer after a third of its time (for long
   * timeouts: two ping timeouts before its deadline), ping the server, so that the verdict is in
   * before the call times out, with room for a busy event loop, and the next call either goes out or
   * is refused at once instead of waiting for the verdict or its own timeout.
   */
  private watchCall(session: Session, budgetMs: number): { now(): void; stop(): void } {
    const pingTimeoutMs = Math.round(Math.min(this.options.healthCheckTimeoutMs, Math.max(MIN_CALL_PING_MS, budgetMs / 3)));
    const delayMs = Math.round(Math.max(budgetMs / 3, budgetMs - 2 * pingTimeoutMs));
    let fired = false;
    const fire = () => {
      clearTimeout(timer);
      if (fired) return;
      fired = true;
      this.verify(session.client, pingTimeoutMs, (ms) => this.becomeUnresponsive(session, `it stopped answering pings (a call got no answer, then a ping none within ${ms} ms)`));
    };
    const timer = setTimeout(fire, delayMs);
    timer.unref();
    return { now: fire, stop: () => clearTimeout(timer) };
  }

  /**
   * The current session, waiting (within the deadline) for a reconnection or a fresh attempt, and
   * for the verdict on a session under suspicion rather than sending into it.
   */
  private async ready(deadline: Deadline): Promise<Session> {
    for (;;) {
      if (this.closed) throw new ServerUnavailableError(this.name, "the client is closed");
      if (this.state === "unresponsive") throw new ServerUnresponsiveError(this.name, this.error ?? "it stopped answering pings");
      if (this.session && this.healthCheck) {
        await deadline.race(this.healthCheck);
        continue;
      }
      if (this.session) return this.session;
      const session = await deadline.race(this.recovering ?? this.recover("connecting", 1));
      if (session) return session;
      if (!this.recovering) throw new ServerUnavailableError(this.name, this.error ?? "not connected");
    }
  }

  private recover(state: "connecting" | "reconnecting", attempts: number): Promise<Session | undefined> {
    this.state = state;
    this.emit("status");
    const run = async (): Promise<Session | undefined> => {
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0) await this.pause(this.backoff(attempt - 1));
        if (this.closed) return undefined;
        const number = ++this.attemptsBegun;
        try {
          return this.install(await this.open());
        } catch (error) {
          if (this.closed) return undefined;
          this.error = describeFailure(error);
          this.emit("status");
        } finally {
          this.attemptsEnded = number;
          this.attemptDone();
        }
      }
      this.state = "failed";
      this.emit("status");
      return undefined;
    };
    // Outside any call's scope: a session's streams are read in the context they were opened in, and
    // must not name the call that happened to open them as the owner of every later question.
    const promise: Promise<Session | undefined> = callScope.exit(() =>
      run().finally(() => {
        if (this.recovering === promise) this.recovering = undefined;
        this.attemptDone();
      }),
    );
    this.recovering = promise;
    return promise;
  }

  /** A backoff delay that {@link hurry} or close() can end early. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, this.lifetime.signal, (wake) => (this.wakeBackoff = wake));
    this.wakeBackoff = undefined;
  }

  private attemptDone(): void {
    for (const resolve of this.attemptWaiters.splice(0)) resolve();
  }

  private backoff(retry: number): number {
    const { initialDelayMs, factor, maxDelayMs } = this.options.reconnect;
    return Math.min(initialDelayMs * factor ** retry, maxDelayMs);
  }

  /**
   * A session, after any login the SDK started (on this attempt or on a request of the last session,
   * e.g. a scope step-up): the person's redirect is awaited apart from the connect timeout.
   */
  private async open(): Promise<Session> {
    for (let logins = 0; ; logins++) {
      await completePendingLogin(this.config, this.lifetime.signal);
      try {
        return await this.openSession();
      } catch (error) {
        if (logins >= MAX_LOGINS_PER_ATTEMPT || !loginPending(this.config, error)) throw error;
      }
    }
  }

  private async openSession(): Promise<Session> {
    const timeoutMs = this.config.connectTimeoutMs ?? this.options.connectTimeoutMs;
    const started = Date.now();
    // A client that answers questions, sampling or roots/list keeps the stream a server asks on outside our calls.
    const takesRequests = Object.keys(this.clientCapabilities()).length > 0;
    const { client, kind } = await openClient(this.config, () => this.makeClient(), { timeoutMs, signal: this.lifetime.signal, takesRequests });
    try {
      const tools = await listAllTools(client, { timeout: Math.max(1, timeoutMs - (Date.now() - started)), signal: this.lifetime.signal });
      const { logLevel } = this.options;
      if (logLevel && client.getServerCapabilities()?.logging) {
        // A server that refuses the level still works; it logs at its own.
        await client.setLoggingLevel(logLevel, { timeout: Math.max(1, timeoutMs - (Date.now() - started)) }).catch(() => undefined);
      }
      const info = client.getServerVersion();
      return {
        client,
        kind,
        serverInfo: info && { name: info.name, version: info.version },
        tools: tools.map((tool) => this.describeTool(this.name, tool)),
        refreshTimer: undefined,
        refreshSeq: 0,
      };
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  }

  /** What this client declares: only what it can honour, each a way for a server to ask it something. */
  private clientCapabilities(): ClientCapabilities {
    return {
      ...(this.hooks.onElicitation ? { elicitation: { form: {}, url: {} } } : {}),
      ...(this.hooks.onSampling ? { sampling: {} } : {}),
      ...(this.hooks.roots() !== undefined ? { roots: { listChanged: true } } : {}),
    };
  }

  private makeClient(): Client {
    const client = new Client(this.options.clientInfo, { capabilities: this.clientCapabilities(), jsonSchemaValidator: this.outputValidator });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.toolsChanged(client));
    // Ours, not the SDK's `onprogress`: the SDK drops (as an error) a progress notification that
    // arrives in the same read as the call's result, since it handles the result first; a call's
    // token is ours until the call has returned. Late or unknown tokens are ignored.
    client.setNotificationHandler(ProgressNotificationSchema, (notification) => {
      this.progressListeners.get(String(notification.params.progressToken))?.(notification.params);
    });
    if (this.hooks.onElicitation) client.setRequestHandler(ElicitRequestSchema, (request, extra) => this.elicit(request.params, extra.signal));
    const onSampling = this.hooks.onSampling;
    if (onSampling) client.setRequestHandler(CreateMessageRequestSchema, (request, extra) => this.sample(onSampling, request.params, extra.signal));
    if (this.hooks.roots() !== undefined) client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: this.hooks.roots() ?? [] }));
    // A question from a server that was not told we take them (the SDK would not let us register it).
    client.fallbackRequestHandler = (request) => {
      if (request.method === "elicitation/create") return Promise.resolve({ action: "decline" });
      return Promise.reject(new McpError(ErrorCode.MethodNotFound, "Method not found"));
    };
    const onLog = this.hooks.onLog;
    if (onLog) {
      client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        for (const message of this.logGate.admit(notification.params)) listen(() => onLog(this.name, message));
      });
    }
    client.onclose = () => this.lose(client, "connection closed");
    client.onerror = (error) => this.checkHealth(client, error);
    return client;
  }

  /**
   * Asks the person behind the call the question belongs to (its `onElicitation`), else the client's
   * handler; the call's deadline stops meanwhile. Over Streamable HTTP the SDK reads a call's response
   * stream in the call's async context, so the question names its call; stdio and SSE have one stream
   * per session, so it is a call's only when that call is the server's only one running.
   */
  private async elicit(params: ElicitationParams, signal: AbortSignal): Promise<ElicitResult> {
    const call = this.callOfRequest();
    const fallback = this.hooks.onElicitation;
    const ask = call?.options.onElicitation ?? (fallback && ((question: ElicitationParams, context: { signal: AbortSignal }) => fallback(this.name, question, context)));
    if (!ask) return { action: "decline" };
    const result = await this.answerFor<ElicitResult>(call, signal, MAX_ELICITATION_WAIT_MS, (withdrawn) => ask(params, { signal: withdrawn }), () => ({ action: "cancel" }));
    return completeElicitResult(params, result);
  }

  /**
   * Hands a server's `sampling/createMessage` to the host, within the size limits and
   * {@link MAX_SAMPLING_WAIT_MS}; the deadline of the call it belongs to (as for {@link elicit}) stops
   * meanwhile, since a person may be asked first. Whatever goes wrong reaches the server as an error.
   */
  private async sample(handler: SamplingHandler, params: SamplingParams, signal: AbortSignal): Promise<CreateMessageResult> {
    checkSamplingRequest(params);
    try {
      const result = await this.answerFor(this.callOfRequest(), signal, MAX_SAMPLING_WAIT_MS, (withdrawn) => handler(this.name, params, { signal: withdrawn }), (timedOut) => {
        throw new McpError(ErrorCode.RequestTimeout, timedOut ? `sampling took longer than ${MAX_SAMPLING_WAIT_MS / 1000} s` : "sampling request withdrawn");
      });
      return boundSamplingResult(result);
    } catch (error) {
      throw samplingFailure(error);
    }
  }

  /**
   * Runs `answer` to a server's request on behalf of `call` (if any), whose deadline stops meanwhile.
   * When the server withdraws the request, the connection ends, the call's deadline passes or
   * `limitMs` runs out, the request settles at once with `whenWithdrawn` (told whether it was the
   * limit), and `answer`'s signal aborts.
   */
  private async answerFor<T>(
    call: RunningCall | undefined,
    signal: AbortSignal,
    limitMs: number,
    answer: (withdrawn: AbortSignal) => Promise<T>,
    whenWithdrawn: (timedOut: boolean) => T,
  ): Promise<T> {
    const limit = AbortSignal.timeout(limitMs);
    const withdrawn = AbortSignal.any([signal, this.lifetime.signal, limit, ...(call ? [call.deadline.signal] : [])]);
    const release = call?.deadline.hold();
    try {
      return await new Promise<T>((resolve, reject) => {
        const onWithdrawn = () => {
          try {
            resolve(whenWithdrawn(limit.aborted));
          } catch (error) {
            reject(error as Error);
          }
        };
        withdrawn.addEventListener("abort", onWithdrawn, { once: true });
        answer(withdrawn)
          .then(resolve, reject)
          .finally(() => withdrawn.removeEventListener("abort", onWithdrawn));
      });
    } finally {
      release?.();
    }
  }

  /**
   * The call a server's request belongs to: the one whose response stream carried it (Streamable
   * HTTP), else the server's only running call, else none.
   */
  private callOfRequest(): RunningCall | undefined {
    const scoped = callScope.getStore();
    return scoped && this.running.has(scoped) ? scoped : this.running.size === 1 ? [...this.running][0] : undefined;
  }

  /** Where a call's progress goes (its own listener and the client's), or undefined when nobody listens. */
  private progressListener(call: RunningCall): ((update: Progress) => void) | undefined {
    const own = call.options.onProgress;
    const shared = this.hooks.onProgress;
    if (!own && !shared) return undefined;
    const gate = progressGate();
    return (notification) => {
      const update = gate(notification);
      if (!update) return;
      if (own) listen(() => own(update));
      if (shared) listen(() => shared(this.name, call.tool, update));
    };
  }

  private install(session: Session): Session | undefined {
    if (this.closed) {
      void session.client.close().catch(() => undefined);
      return undefined;
    }
    this.session = session;
    this.state = "connected";
    this.error = undefined;
    this.lastKind = session.kind;
    this.lastServerInfo = session.serverInfo;
    this.emit("status");
    this.emit("tools");
    if (this.changedBeforeInstall.has(session.client)) this.scheduleRefresh(session);
    return session;
  }

  /** Drops the session if `client` is still current and starts reconnecting. */
  private lose(client: Client, reason: string): void {
    const session = this.session;
    if (this.closed || session?.client !== client) return;
    this.session = undefined;
    clearTimeout(session.refreshTimer);
    this.error = reason;
    // Closing rejects requests still waiting on the dead session, so their callers can retry or fail now.
    void client.close().catch(() => undefined);
    this.emit("tools");
    void this.recover("reconnecting", this.options.reconnect.maxAttempts);
  }

  // Transports report errors that do not always mean the session is gone (a refused optional GET
  // stream, a failed cancellation); a ping tells the two apart.
  private checkHealth(client: Client, error: Error): void {
    if (this.state === "unresponsive") {
      // A late answer to an abandoned request, or a request that failed: time to ping again.
      if (this.session?.client === client) this.wakeWatch?.();
      return;
    }
    const reason = describeFailure(error);
    this.verify(client, this.options.healthCheckTimeoutMs, (_ms, pingError) => this.lose(client, `${reason}; ping failed: ${describeFailure(pingError)}`), reason);
  }

  /**
   * Pings the current session unless a ping is out already or it is not `connected`. No answer within
   * `timeoutMs` calls `onNoAnswer`; a broken connection drops the session; any answer, even an error,
   * clears it. Calls wait for the verdict rather than go into a session under suspicion.
   */
  private verify(client: Client, timeoutMs: number, onNoAnswer: (timeoutMs: number, error: unknown) => void, context?: string): void {
    if (this.closed || this.healthCheck || this.state !== "connected" || this.session?.client !== client) return;
    const check: Promise<void> = client
      .ping({ timeout: timeoutMs })
      .then(
        () => undefined,
        (pingError: unknown) => {
          if (isRequestTimeout(pingError)) onNoAnswer(timeoutMs, pingError);
          else if (failureKind(pingError) !== "other") this.lose(client, `${context ? `${context}; ` : ""}ping failed: ${describeFailure(pingError)}`);
        },
      )
      .finally(() => {
        if (this.healthCheck === check) this.healthCheck = undefined;
      });
    this.healthCheck = check;
  }

  private becomeUnresponsive(session: Session, reason: string): void {
    if (this.closed || this.session !== session || this.state !== "connected") return;
    this.state = "unresponsive";
    this.error = reason;
    this.emit("status");
    const watching: Promise<void> = this.watchUnresponsive(session).finally(() => {
      if (this.watching === watching) this.watching = undefined;
    });
    this.watching = watching;
  }

  /**
   * Pings an unresponsive server with backoff until it answers (back to `connected`), its connection
   * breaks (reconnecting), or the client closes. The session and its tools are kept meanwhile.
   */
  private async watchUnresponsive(session: Session): Promise<void> {
    const stillUnresponsive = () => !this.closed && this.session === session && this.state === "unresponsive";
    for (let round = 0; ; round++) {
      const delayMs = round < FULL_RATE_WATCH_PINGS ? this.backoff(round) : Math.max(SLOW_WATCH_DELAY_MS, this.backoff(round));
      await sleep(MIN_WATCH_DELAY_MS, this.lifetime.signal);
      await sleep(Math.max(0, delayMs - MIN_WATCH_DELAY_MS), this.lifetime.signal, (wake) => (this.wakeWatch = wake));
      this.wakeWatch = undefined;
      if (!stillUnresponsive()) return;
      try {
        // No signal: the SDK never removes its abort listener, and close() ends the request anyway.
        await session.client.ping({ timeout: this.options.healthCheckTimeoutMs });
      } catch (error) {
        if (!stillUnresponsive()) return;
        if (isRequestTimeout(error)) continue;
        if (failureKind(error) !== "other") {
          this.lose(session.client, `${this.error ?? "it stopped answering pings"}; then a ping failed: ${describeFailure(error)}`);
          return;
        }
        // An error answer is an answer: the server is there.
      }
      if (!stillUnresponsive()) return;
      this.state = "connected";
      this.error = undefined;
      this.emit("status");
      return;
    }
  }

  private toolsChanged(client: Client): void {
    const session = this.session;
    if (session?.client === client) this.scheduleRefresh(session);
    else this.changedBeforeInstall.add(client);
  }

  private scheduleRefresh(session: Session): void {
    clearTimeout(session.refreshTimer);
    session.refreshTimer = setTimeout(() => void this.refresh(session), REFRESH_DEBOUNCE_MS);
  }

  private async refresh(session: Session): Promise<void> {
    if (this.session !== session) return;
    const seq = ++session.refreshSeq;
    try {
      const tools = await listAllTools(session.client, { timeout: this.config.connectTimeoutMs ?? this.options.connectTimeoutMs });
      // A newer refresh may have started meanwhile; only the latest list counts.
      if (this.session !== session || seq !== session.refreshSeq) return;
      session.tools = tools.map((tool) => this.describeTool(this.name, tool));
      this.emit("tools");
      this.emit("status");
    } catch (error) {
      if (failureKind(error) !== "other") this.lose(session.client, describeFailure(error));
    }
  }

  private emit(kind: "status" | "tools"): void {
    if (kind === "status") {
      // Listeners hear about changes, not about every step that left the status as it was.
      const snapshot = JSON.stringify(this.status());
      if (snapshot === this.lastEmitted) return;
      this.lastEmitted = snapshot;
    }
    try {
      this.onChange(kind);
    } catch {
      // A listener's failure must not break the connection's state machine.
    }
  }
}

/** Runs a listener; its failure must not break the session that heard the notification. */
function listen(listener: () => void): void {
  try {
    listener();
  } catch {
    // The listener's own problem.
  }
}

function isRequestTimeout(error: unknown): boolean {
  return error instanceof McpError && error.code === ErrorCode.RequestTimeout;
}

/** All pages of `tools/list`. */
async function listAllTools(client: Client, options: { timeout: number; signal?: AbortSignal }): Promise<Tool[]> {
  const tools: Tool[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, options);
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined) return tools;
    if (seen.has(cursor)) throw new Error(`tools/list returned cursor ${JSON.stringify(cursor)} twice`);
    seen.add(cursor);
  }
  throw new Error(`tools/list did not end after ${MAX_TOOL_PAGES} pages`);
}

/** Ends the session politely (HTTP DELETE for Streamable HTTP) without letting a dead server delay close. */
async function terminate(client: Client): Promise<void> {
  const transport = client.transport;
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      transport.terminateSession().catch(() => undefined),
      new Promise((resolve) => {
        timer = setTimeout(resolve, TERMINATE_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }
  await client.close().catch(() => undefined);
}

/** Resolves after `ms`, on abort, or when the function handed to `onWake` is called. */
function sleep(ms: number, signal: AbortSignal, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    onWake?.(done);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
