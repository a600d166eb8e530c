import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";

/** A JSON answer larger than this is refused rather than held in memory (a tools/list of 10,000 tools is a few MB). */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The cause of a `fetch failed` for an answer over the bound: the server answered, and the session is sound. */
export class ResponseTooLargeError extends Error {
  constructor(origin: string, maxBytes: number) {
    super(`the response from ${origin} is over ${maxBytes} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

// Free sockets are let go after 4 s, or a second before the server's own Keep-Alive hint, as undici's.
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: 4_000 }),
  "https:": new https.Agent({ keepAlive: true, timeout: 4_000 }),
};

// undici's bound on establishing a connection, and its code, which failureKind reads as "never sent".
const CONNECT_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_CODE = "UND_ERR_CONNECT_TIMEOUT";

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * `fetch` over `node:http` for the requests the SDK's HTTP transports make. Node's global `fetch`
 * (undici) spends about 0.65 ms more client CPU per request than `node:http` on loopback (1.0 against
 * 0.35 ms for one `tools/call` answer read as JSON, in a scratch bench): a fifth of a call's client
 * CPU, and most of connecting, which is three requests.
 *
 * It is fetch as those transports use it: a string body or none, a JSON answer read whole (bounded by
 * `maxResponseBytes`), an event stream as a stream, the signal aborting either. Network errors are a
 * `TypeError("fetch failed")` with the cause, as undici's. Anything else goes to the global `fetch`:
 * another body type (the SDK's OAuth forms), a redirect, which is followed there, and every request
 * while `NODE_USE_ENV_PROXY` asks Node to use a proxy.
 */
export function createHttpFetch(options: { maxResponseBytes?: number } = {}): FetchLike {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return (url, init) => httpRequest(url, init, maxResponseBytes);
}

/** The fetch both HTTP transports use. */
export const httpFetch = createHttpFetch();

function httpRequest(url: string | URL, init: RequestInit | undefined, maxResponseBytes: number): Promise<Response> {
  const target = url instanceof URL ? url : new URL(url);
  const agent = agents[target.protocol as keyof typeof agents];
  const body = init?.body;
  // Node 24 sends fetch through the proxy HTTP_PROXY/HTTPS_PROXY name when NODE_USE_ENV_PROXY is set;
  // an agent of our own would bypass it.
  const proxied = Boolean(process.env.NODE_USE_ENV_PROXY);
  if (!agent || proxied || (body !== undefined && body !== null && typeof body !== "string")) return globalFetch(url, init);
  return new Promise<Response>((resolve, reject) => {
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason);
    const headers = headerRecord(init?.headers);
    if (typeof body === "string") headers["content-length"] = String(Buffer.byteLength(body));
    const request = (target.protocol === "https:" ? https : http).request(target, { method: init?.method ?? "GET", headers, agent });
    let settled = false;
    let stream: http.IncomingMessage | undefined;
    const fail = (error: unknown) => {
      done();
      if (settled) return;
      settled = true;
      reject(error);
    };
    const onAbort = () => {
      // A stream already handed out ends with the abort's reason, as undici's does.
      stream?.destroy(signal!.reason as Error);
      request.destroy();
      fail(signal!.reason);
    };
    const done = signal ? whenAborted(signal, onAbort) : () => undefined;

    request.on("socket", (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => request.destroy(Object.assign(new Error(`connect timed out after ${CONNECT_TIMEOUT_MS} ms`), { code: CONNECT_TIMEOUT_CODE })), CONNECT_TIMEOUT_MS);
      // Both listeners go once either fires: a kept-alive socket outlives this request and must not hold it.
      const settle = () => {
        clearTimeout(timer);
        socket.off("connect", settle).off("close", settle);
      };
      socket.once("connect", settle).once("close", settle);
    });
    request.on("error", (error) => fail(new TypeError("fetch failed", { cause: error })));
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status) && response.headers.location && init?.redirect !== "manual") {
        response.resume();
        done();
        settled = true;
        resolve(globalFetch(url, init));
        return;
      }
      const answer = (content: Uint8Array | ReadableStream<Uint8Array> | null) => {
        let answered: Response;
        try {
          answered = new Response(content, { status, statusText: response.statusMessage, headers: responseHeaders(response.rawHeaders) });
        } catch (error) {
          // A status text or header that Node's parser let through and fetch's rules do not.
          request.destroy();
          return fail(new TypeError("fetch failed", { cause: error }));
        }
        settled = true;
        resolve(answered);
      };
      if (init?.method === "HEAD" || NULL_BODY_STATUSES.has(status)) {
        response.resume();
        done();
        return answer(null);
      }
      if (/^text\/event-stream/i.test(response.headers["content-type"] ?? "")) {
        stream = response;
        response.once("close", done);
        return answer(Readable.toWeb(response) as ReadableStream<Uint8Array>);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxResponseBytes) {
          request.destroy();
          fail(new TypeError("fetch failed", { cause: new ResponseTooLargeError(target.origin, maxResponseBytes) }));
          return;
        }
        chunks.push(chunk);
      });
      response.on("end", () => {
        done();
        if (!settled) answer(Buffer.concat(chunks, size));
      });
      response.on("error", (error) => fail(new TypeError("fetch failed", { cause: error })));
      response.on("close", () => fail(new TypeError("fetch failed", { cause: new Error("the connection closed before the response ended") })));
    });
    request.end(body ?? undefined);
  });
}

// The requests a signal would abort now. A transport hands its one signal to every request, so a
// listener each would make Node warn MaxListenersExceeded at the eleventh request in flight.
const abortsBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/** Runs `abort` when the signal aborts, through one listener per signal; returns what unregisters it. */
function whenAborted(signal: AbortSignal, abort: () => void): () => void {
  const aborts = abortsBySignal.get(signal) ?? listenOnce(signal);
  aborts.add(abort);
  return () => aborts.delete(abort);
}

/**
 * The signal's one listener, made apart from {@link whenAborted}: a closure made there would keep
 * that call's `abort`, so its request and answer, as long as the signal, which is a session's life.
 */
function listenOnce(signal: AbortSignal): Set<() => void> {
  const aborts = new Set<() => void>();
  abortsBySignal.set(signal, aborts);
  signal.addEventListener("abort", () => aborts.forEach((run) => run()), { once: true });
  return aborts;
}

/**
 * The global fetch, with a signal of its own per request: undici drops its listener on a signal only
 * when the request is garbage-collected, and the SDK hands one transport-wide signal to every request,
 * so Node would warn MaxListenersExceeded after ~1,500 requests on one session.
 */
const globalFetch: FetchLike = (url, init) => fetch(url, init?.signal ? { ...init, signal: AbortSignal.any([init.signal]) } : init);

type HeadersInput = NonNullable<Parameters<FetchLike>[1]>["headers"];

function headerRecord(init: HeadersInput): Record<string, string> {
  const record: Record<string, string> = {};
  if (!init) return record;
  if (init instanceof Headers) init.forEach((value, name) => (record[name] = value));
  else if (Array.isArray(init)) for (const [name, value] of init as string[][]) record[name!.toLowerCase()] = value!;
  else for (const [name, value] of Object.entries(init as Record<string, string>)) record[name.toLowerCase()] = value;
  return record;
}

function responseHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}
