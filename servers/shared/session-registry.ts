/**
 * Every live session of one host: the maps the routes look sessions up in, the caps on how many there
 * may be (in all and per client), the sweep that expires idle ones, the keep-alive on SSE streams, and
 * the bound on output a client has not read.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { Request, Response } from "express";
import { sendError } from "./http-errors.js";
import { rateLimitedLog } from "./rate-limited-log.js";

export interface SessionLimits {
  maxSessions: number;
  maxSessionsPerClient: number;
  idleTimeoutMs: number;
  maxUnsentBytes: number;
  keepAliveIntervalMs: number;
}

/** Live sessions per transport, for health checks and leak tests. */
export interface SessionCounts {
  sse: number;
  streamableHttp: number;
}

/** Why no new session may open now; answered with `status`, `Retry-After` and a JSON-RPC error. */
export interface SessionRefusal {
  refused: true;
  status: 429 | 503;
  message: string;
  retryAfterSeconds: number;
}

/** One place under the caps, held from the moment a session is asked for until it is gone. */
export interface SessionSlot {
  refused: false;
  readonly client: string;
  /** Idempotent. */
  release(): void;
}

/** How long a refused client should wait: idle sessions go within one sweep, closed ones at once. */
const RETRY_AFTER_SECONDS = 30;
const SSE_KEEPALIVE = ": keepalive\n\n";

type Log = (kind: string, message: string) => void;

/** The sessions of one host. Call {@link SessionRegistry.closeAll} to stop it. */
export class SessionRegistry {
  readonly #sse = new Map<string, SseSession>();
  readonly #streamable = new Map<string, StreamableSession>();
  readonly #claimedBy = new Map<string, number>();
  #claimed = 0;
  readonly #log: Log;
  readonly #sweeper: NodeJS.Timeout;

  constructor(
    readonly serverName: string,
    readonly limits: SessionLimits,
    log: (message: string) => void,
  ) {
    this.#log = rateLimitedLog(log);
    // Clients that vanish without DELETE (the SDK client's close() sends none) would otherwise stay forever.
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(10, Math.min(limits.idleTimeoutMs / 2, 60_000)));
    this.#sweeper.unref();
  }

  /** A place for a new session of `client`, or why there is none (429: this client's share is used up; 503: all are). */
  claim(client: string): SessionSlot | SessionRefusal {
    const { maxSessions, maxSessionsPerClient } = this.limits;
    const mine = this.#claimedBy.get(client) ?? 0;
    if (mine >= maxSessionsPerClient) {
      // Kinds, not clients, key the rate limit: a map per client address would itself grow without bound.
      this.#log("per-client", `${this.serverName}: ${client} holds ${mine} sessions, its limit (MCP_MAX_SESSIONS_PER_CLIENT); refusing more with 429`);
      return {
        refused: true,
        status: 429,
        message: `Too many sessions: this client already has ${mine} open (limit ${maxSessionsPerClient}); close one (DELETE /mcp, or end the SSE stream) or retry later`,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      };
    }
    if (this.#claimed >= maxSessions) {
      this.#log("global", `${this.serverName}: ${this.#claimed} sessions open, the limit (MCP_MAX_SESSIONS); refusing more with 503`);
      return {
        refused: true,
        status: 503,
        message: `Server busy: ${this.#claimed} sessions open, the limit; retry later`,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      };
    }
    this.#claimed += 1;
    this.#claimedBy.set(client, mine + 1);
    let released = false;
    return {
      refused: false,
      client,
      release: () => {
        if (released) return;
        released = true;
        this.#claimed -= 1;
        const left = (this.#claimedBy.get(client) ?? 1) - 1;
        if (left === 0) this.#claimedBy.delete(client);
        else this.#claimedBy.set(client, left);
      },
    };
  }

  /**
   * Starts a legacy SSE session on `stream` (the `GET /sse` response); it is listed until its stream
   * closes, and the slot is released then. Connect a `Server` to `session.transport` next.
   */
  openSse(slot: SessionSlot, credential: Buffer | undefined, stream: ServerResponse): SseSession {
    const session = new SseSession(slot, credential, stream, this.limits, this.#overflow);
    const { sessionId } = session.transport;
    this.#sse.set(sessionId, session);
    // The transport reports the stream closing (client gone, close(), overflow); the map must not outlive it.
    session.transport.onclose = () => {
      if (this.#sse.get(sessionId) === session) this.#sse.delete(sessionId);
      session.dispose();
    };
    return session;
  }

  /**
   * A Streamable HTTP session for an `initialize` request; listed once the transport has given it an
   * id. If the initialize fails, the session closes with its response and the slot is released.
   */
  openStreamable(slot: SessionSlot, credential: Buffer | undefined, maxBodyBytes: number): StreamableSession {
    let session: StreamableSession | undefined = undefined;
    const transport = new OutputBoundStreamableTransport(
      {
        sessionIdGenerator: () => randomUUID(),
        // A POST's answer as plain JSON rather than a one-event SSE stream: −19 % latency and −27 % client
        // CPU per call in the bench. A call that asked for progress from a tool that reports it gets a
        // stream instead (progress-stream.ts); server-initiated messages flow on the session's GET stream.
        enableJsonResponse: true,
        maxRequestBodySize: maxBodyBytes,
        keepAliveMs: this.limits.keepAliveIntervalMs,
        onsessioninitialized: (id) => {
          if (session !== undefined) this.#streamable.set(id, session);
        },
      },
      () => session,
    );
    session = new StreamableSession(slot, credential, transport, this.limits, this.#overflow);
    const opened = session;
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id !== undefined && this.#streamable.get(id) === opened) this.#streamable.delete(id);
      opened.dispose();
    };
    return session;
  }

  sse(sessionId: string): SseSession | undefined {
    return this.#sse.get(sessionId);
  }

  streamable(sessionId: string): StreamableSession | undefined {
    return this.#streamable.get(sessionId);
  }

  counts(): SessionCounts {
    return { sse: this.#sse.size, streamableHttp: this.#streamable.size };
  }

  /** Stops the sweep and closes every session, ending their streams. */
  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    await Promise.allSettled([...this.#sse.values(), ...this.#streamable.values()].map((session) => session.transport.close()));
  }

  #sweep(): void {
    const cutoff = Date.now() - this.limits.idleTimeoutMs;
    for (const session of [...this.#sse.values(), ...this.#streamable.values()]) {
      if (session.idleSince(cutoff)) void session.transport.close();
    }
  }

  readonly #overflow = (kind: string, client: string, unsent: number): void => {
    this.#log(
      "overflow",
      `${this.serverName}: closed a ${kind} session of ${client}: ${unsent} bytes of output unsent, over the limit of ${this.limits.maxUnsentBytes} (MCP_MAX_UNSENT_BYTES); the client is not reading its stream`,
    );
  };
}

type OverflowReport = (kind: string, client: string, unsent: number) => void;

/** How long an ended stream may take to flush before its connection is cut. */
const FLUSH_GRACE_MS = 5_000;

/**
 * A stream ended (expired, closed) while its client was not reading never finishes flushing, and
 * would hold its connection and buffer for good; it gets a few seconds, then the connection goes.
 */
function destroyIfUnflushed(stream: ServerResponse): void {
  if (stream.destroyed || stream.writableFinished) return;
  const timer = setTimeout(() => {
    if (!stream.writableFinished) stream.destroy();
  }, FLUSH_GRACE_MS);
  timer.unref();
  stream.once("close", () => clearTimeout(timer));
}

/** A legacy SSE session: its stream, the requests it has not answered yet, when its client last spoke. */
export class SseSession {
  readonly transport: OutputBoundSseTransport;
  #lastSeen = Date.now();
  readonly #unanswered = new Set<RequestId>();
  readonly #keepAlive: NodeJS.Timeout;
  readonly #stream: ServerResponse;

  constructor(
    readonly slot: SessionSlot,
    /** The bearer token (digest) that opened the session; its POSTs must carry the same. */
    readonly credential: Buffer | undefined,
    stream: ServerResponse,
    private readonly limits: SessionLimits,
    private readonly overflow: OverflowReport,
  ) {
    this.#stream = stream;
    this.transport = new OutputBoundSseTransport("/messages", stream, (message) => this.#sent(message));
    this.#keepAlive = setInterval(() => {
      if (!stream.headersSent || !stream.writable) return;
      stream.write(SSE_KEEPALIVE);
      this.#checkOutput();
    }, limits.keepAliveIntervalMs);
    this.#keepAlive.unref();
  }

  /** Notes a message the client POSTed, before it is handed to the transport. */
  received(message: JSONRPCMessage): void {
    this.#lastSeen = Date.now();
    if (isJSONRPCRequest(message)) this.#unanswered.add(message.id);
    // A cancelled request gets no response; without this it would keep the session from ever expiring.
    if (isJSONRPCNotification(message) && message.method === "notifications/cancelled") {
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (requestId !== undefined) this.#unanswered.delete(requestId);
    }
  }

  /** True when the client has said nothing since `cutoff` and waits for no answer. */
  idleSince(cutoff: number): boolean {
    return this.#unanswered.size === 0 && this.#lastSeen < cutoff;
  }

  dispose(): void {
    clearInterval(this.#keepAlive);
    this.slot.release();
    destroyIfUnflushed(this.#stream);
  }

  #sent(message: JSONRPCMessage): void {
    if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined) this.#unanswered.delete(message.id);
    this.#checkOutput();
  }

  #checkOutput(): void {
    // writableLength counts what the response and its socket hold; the kernel's buffer is bounded by itself.
    const unsent = this.#stream.writableLength;
    if (unsent <= this.limits.maxUnsentBytes || this.#stream.destroyed) return;
    this.overflow("legacy SSE", this.slot.client, unsent);
    // Ending the stream would keep the buffered output until the client read it, which it does not;
    // destroying frees it, and the transport's close handler removes the session.
    this.#stream.destroy();
  }
}

/** The SDK's SSE transport, reporting each message it wrote so the session can bound the output. */
export class OutputBoundSseTransport extends SSEServerTransport {
  constructor(
    endpoint: string,
    stream: ServerResponse,
    private readonly afterSend: (message: JSONRPCMessage) => void,
  ) {
    super(endpoint, stream);
  }

  override async send(message: JSONRPCMessage): Promise<void> {
    await super.send(message);
    this.afterSend(message);
  }
}

/** What the session's standalone GET stream has been given and what it has passed on to its socket. */
interface StandaloneStream {
  res: ServerResponse;
  /** Bytes of events the transport queued for the stream. */
  queued: number;
  /** Bytes the stream has handed to the response. */
  handed: number;
}

/** A Streamable HTTP session: its open requests, when it was last used, its standalone GET stream. */
export class StreamableSession {
  #lastSeen = Date.now();
  #openRequests = 0;
  #standalone: StandaloneStream | undefined;
  readonly #openPosts = new Set<Response>();

  constructor(
    readonly slot: SessionSlot,
    /** The bearer token (digest) that opened the session; its requests must carry the same. */
    readonly credential: Buffer | undefined,
    readonly transport: OutputBoundStreamableTransport,
    private readonly limits: SessionLimits,
    private readonly overflow: OverflowReport,
  ) {}

  /** Counts a request routed to this session until its response closes; a GET may become the standalone stream. */
  track(req: Request, res: Response): void {
    this.#openRequests += 1;
    this.#lastSeen = Date.now();
    if (req.method === "GET" && this.#standalone === undefined) this.#watchStandalone(res);
    if (req.method === "POST") this.#openPosts.add(res);
    res.once("close", () => {
      this.#openRequests -= 1;
      this.#lastSeen = Date.now();
      this.#openPosts.delete(res);
      if (this.#standalone?.res === res) this.#standalone = undefined;
      // An initialize that failed leaves a session nobody can address: close it, release its slot.
      if (this.transport.sessionId === undefined) void this.transport.close();
    });
  }

  idleSince(cutoff: number): boolean {
    return this.#openRequests === 0 && this.#lastSeen < cutoff;
  }

  dispose(): void {
    this.slot.release();
    if (this.#standalone !== undefined) destroyIfUnflushed(this.#standalone.res);
    // The SDK's transport, closed in JSON-response mode, forgets the POSTs still waiting for their
    // answer without ending them: they would hang until the client gives up. Answer them here (after
    // the transport has had its turn, in case it did answer).
    setImmediate(() => {
      for (const res of this.#openPosts) {
        if (res.writableEnded) continue;
        if (res.headersSent) res.destroy();
        else sendError(res, 404, -32001, "Session not found: it was closed while this request was in progress; start a new one with initialize");
      }
    });
  }

  /** Called by the transport for every message bound for the standalone stream. */
  queuedOnStandalone(bytes: number): void {
    const stream = this.#standalone;
    if (stream === undefined) return;
    stream.queued += bytes;
    // What the transport queued and the stream has not handed on yet, plus what the response still holds.
    // (The transport's own keep-alives are handed on uncounted, so this errs low by 13 bytes each.)
    const unsent = Math.max(0, stream.queued - stream.handed) + stream.res.writableLength;
    if (unsent <= this.limits.maxUnsentBytes || stream.res.destroyed) return;
    this.overflow("Streamable HTTP", this.slot.client, unsent);
    stream.res.destroy();
    void this.transport.close();
  }

  #watchStandalone(res: ServerResponse): void {
    const stream: StandaloneStream = { res, queued: 0, handed: 0 };
    this.#standalone = stream;
    // The SDK queues events in a web ReadableStream that is copied into `res` only as the socket drains,
    // so `res.writableLength` alone never sees the backlog: count what reaches `res` to know what did not.
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      stream.handed += typeof chunk === "string" ? Buffer.byteLength(chunk) : ((chunk as Uint8Array | undefined)?.byteLength ?? 0);
      return write(chunk, ...rest);
    }) as ServerResponse["write"];
  }
}

/** The SDK's Streamable HTTP transport, reporting what it queues for the standalone GET stream. */
export class OutputBoundStreamableTransport extends StreamableHTTPServerTransport {
  constructor(
    options: ConstructorParameters<typeof StreamableHTTPServerTransport>[0],
    private readonly session: () => StreamableSession | undefined,
  ) {
    super(options);
  }

  override async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    await super.send(message, options);
    // The transport's own rule: no related request and not a response means the standalone stream.
    const standalone = options?.relatedRequestId === undefined && !isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message);
    if (standalone) this.session()?.queuedOnStandalone(Buffer.byteLength(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
  }
}
