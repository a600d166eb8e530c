/**
 * Clients that misbehave on purpose, over raw sockets to 127.0.0.1: one that stops reading its
 * stream, one that sends its headers a byte at a time, one whose body never ends, one that connects
 * from another loopback address (127.0.0.2, …) to count as another client. Plus an RSS sampler.
 */
import { readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import type { RawResponse } from "./raw-http.js";
import { readRssKb } from "./server-process.js";

/** A `GET` event stream that read its first event and then stopped reading for good. */
export interface UnreadStream {
  /** Everything read before it stopped: the response head and the first event. */
  head: string;
  /** For `GET /sse`: the absolute `/messages?sessionId=…` URL of the session. */
  endpoint: string;
  sessionId: string;
  /** This end's port, to find the connection in the server's socket table ({@link serverHoldsConnection}). */
  localPort: number;
  /**
   * True once this client saw the connection close. A client that does not read may never see it (the
   * server's FIN waits behind the data it does not read): ask the server side with serverHoldsConnection.
   */
  closed(): boolean;
  /** Settles when the server closed the connection. */
  whenClosed: Promise<void>;
  destroy(): void;
}

/**
 * Opens `path` (default `/sse`) as an event stream on a raw socket, reads until the first event ends
 * (or, with `headOnly`, until the response head), then never reads again: the server's output piles
 * up in its buffers, as it would for a client that stopped reading on purpose.
 */
export function openUnreadStream(
  baseUrl: string,
  headers: Record<string, string> = {},
  path = "/sse",
  { headOnly = false, timeoutMs = 10_000 }: { headOnly?: boolean; timeoutMs?: number } = {},
): Promise<UnreadStream> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let head = "";
    let closed = false;
    const whenClosed = new Promise<void>((done) => socket.once("close", () => ((closed = true), done())));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`GET ${path}: no first event within ${timeoutMs} ms; got ${JSON.stringify(head.slice(0, 300))}`));
    }, timeoutMs);
    socket.on("error", () => undefined);
    socket.once("connect", () => {
      const lines = [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, "Accept: text/event-stream", ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    });
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const body = head.slice(head.indexOf("\r\n\r\n") + 4);
      if (!head.includes("\r\n\r\n") || (!headOnly && !body.includes("\n\n"))) return;
      socket.off("data", onData);
      socket.pause();
      clearTimeout(timer);
      const path = /data: (\/messages\?sessionId=([0-9a-f-]+))/.exec(body);
      resolve({
        head,
        endpoint: path ? new URL(path[1]!, baseUrl).toString() : "",
        sessionId: path?.[2] ?? "",
        localPort: socket.localPort ?? 0,
        closed: () => closed,
        whenClosed,
        destroy: () => socket.destroy(),
      });
    };
    socket.on("data", onData);
    socket.once("close", () => {
      clearTimeout(timer);
      reject(new Error(`GET ${path}: closed before the first event; got ${JSON.stringify(head.slice(0, 300))}`));
    });
  });
}

/**
 * True while a process still owns the TCP connection between 127.0.0.1:`serverPort` and
 * 127.0.0.1:`clientPort` (Linux, /proc/net/tcp). A socket the process has closed, even one the kernel
 * still flushes on its own, has inode 0 there: the process holds neither its descriptor nor its buffer.
 */
export async function serverHoldsConnection(serverPort: number, clientPort: number): Promise<boolean> {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, "0");
  const local = `0100007F:${hex(serverPort)}`;
  const remote = `0100007F:${hex(clientPort)}`;
  for (const line of (await readFile("/proc/net/tcp", "utf8")).split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[2] === remote && fields[9] !== "0") return true;
  }
  return false;
}

/** Peak resident set size of a process while sampling ran. */
export interface RssSampler {
  stop(): Promise<{ peakKb: number; samples: number }>;
}

/** Reads `/proc/<pid>/status` every `everyMs` until stopped; catches short peaks a before/after pair would miss. */
export function sampleRss(pid: number, everyMs = 25): RssSampler {
  let peakKb = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        peakKb = Math.max(peakKb, await readRssKb(pid));
        samples++;
      } catch {
        return; // the process is gone
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peakKb, samples };
    },
  };
}

/** A raw connection that sent some bytes (and maybe keeps trickling more); tells when the server closes it. */
export interface RawConnection {
  socket: Socket;
  /** Milliseconds from connect to the server closing the connection; settles only if it does. */
  closedAfterMs: Promise<number>;
  closed(): boolean;
  /** What the server sent, e.g. a 408. */
  received(): string;
  destroy(): void;
}

/**
 * Connects, sends `first`, then sends `trickle` every `everyMs` (if given) until the server closes the
 * connection: a slowloris client. Resolves once connected.
 */
export function openRawConnection(baseUrl: string, first: string, trickle?: { bytes: string; everyMs: number }, localAddress?: string): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(port), host: hostname, ...(localAddress === undefined ? {} : { localAddress }) });
    let received = "";
    let closed = false;
    let connectedAt = 0;
    let timer: NodeJS.Timeout | undefined;
    const closedAfterMs = new Promise<number>((done) =>
      socket.once("close", () => {
        closed = true;
        clearInterval(timer);
        done(Date.now() - connectedAt);
      }),
    );
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", (error) => {
      if (connectedAt === 0) reject(error);
    });
    socket.once("connect", () => {
      connectedAt = Date.now();
      socket.write(first);
      if (trickle) timer = setInterval(() => socket.writable && socket.write(trickle.bytes), trickle.everyMs);
      resolve({ socket, closedAfterMs, closed: () => closed, received: () => received, destroy: () => socket.destroy() });
    });
  });
}

/** What the server did with a body that never ends. */
export interface EndlessUploadOutcome {
  /** The status it answered, if it answered. */
  status: number | undefined;
  text: string;
  /** Milliseconds from the first byte to the answer. */
  answeredAfterMs: number | undefined;
  /** Milliseconds from the first byte to the server closing the connection (undefined if it did not within `giveUpMs`). */
  closedAfterMs: number | undefined;
  /** Bytes the client managed to write before the connection closed or it gave up. */
  sentBytes: number;
}

/**
 * POSTs a chunked body (no Content-Length) of `prefix` followed by spaces, written as fast as the
 * socket takes them, and never ends it. Gives up after `giveUpMs`.
 */
export function endlessUpload(url: string, headers: Record<string, string>, prefix: string, giveUpMs: number): Promise<EndlessUploadOutcome> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const chunkFrame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
    let received = "";
    let sentBytes = 0;
    let startedAt = 0;
    let answeredAfterMs: number | undefined;
    let finished = false;
    const finish = (closedAfterMs: number | undefined) => {
      if (finished) return;
      finished = true;
      clearTimeout(giveUp);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), text: received, answeredAfterMs, closedAfterMs, sentBytes });
    };
    const giveUp = setTimeout(() => finish(undefined), giveUpMs);
    socket.on("error", () => undefined);
    socket.on("data", (data: Buffer) => {
      received += data.toString("latin1");
      if (answeredAfterMs === undefined) answeredAfterMs = Date.now() - startedAt;
    });
    socket.once("close", () => finish(Date.now() - startedAt));
    // Write while the socket takes it; when it does not (the server stopped reading), wait for drain.
    const pump = () => {
      while (!finished && socket.writable) {
        sentBytes += chunk.length;
        if (!socket.write(chunkFrame)) return void socket.once("drain", pump);
      }
    };
    socket.once("connect", () => {
      startedAt = Date.now();
      const head = [
        `POST ${pathname}${search} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        "Transfer-Encoding: chunked",
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ];
      const first = Buffer.from(prefix);
      socket.write(`${head.join("\r\n")}\r\n\r\n${first.length.toString(16)}\r\n`);
      socket.write(first);
      socket.write("\r\n");
      pump();
    });
  });
}

/**
 * One HTTP request from `localAddress` (another address in 127.0.0.0/8 is another client to the
 * server's per-client limits) to a server on 127.0.0.1.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; streamHeadersOnly?: boolean } = {},
): Promise<RawResponse & { socket: Socket | undefined }> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers, ...(options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) }) };
    const req = httpRequest(url, { method: options.method ?? "GET", headers, localAddress, agent: false }, (res) => {
      const isStream = String(res.headers["content-type"] ?? "").includes("text/event-stream");
      if (isStream && options.streamHeadersOnly) {
        clearTimeout(timer);
        // The stream stays open: the caller holds the socket and ends it.
        return resolve({ status: res.statusCode ?? 0, headers: res.headers, text: "", socket: res.socket });
      }
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, socket: undefined });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${options.method ?? "GET"} ${url} from ${localAddress}: no answer within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(options.body);
  });
}
