import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { getEventListeners } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpFetch, httpFetch } from "./http-fetch.js";
import { failureKind } from "./transport.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// V8's own collector, without starting the test runner with --expose-gc: the flag applies to contexts made after it.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

let server: http.Server;
let base: string;
const seen: Seen[] = [];
const closedRequests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      seen.push({ method: req.method ?? "", url: path, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.on("close", () => closedRequests.push(path));
      if (path === "/json") {
        res.writeHead(200, "Fine", [["content-type", "application/json"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]]).end('{"ok":true}');
      } else if (path === "/empty") {
        res.writeHead(204).end();
      } else if (path === "/events") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("event: message\ndata: first\n\n");
      } else if (path === "/slow") {
        // Answers nothing until the client goes away.
      } else if (path === "/endless") {
        res.writeHead(200, { "content-type": "application/json" });
        const write = () => {
          while (res.write(Buffer.alloc(64 * 1024, 32)));
        };
        res.on("drain", write);
        write();
      } else if (path === "/cut") {
        res.writeHead(200, { "content-type": "application/json", "content-length": 100 });
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (path === "/moved") {
        res.writeHead(307, { location: "/json" }).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const closed = async (path: string) => {
  for (let i = 0; i < 100 && !closedRequests.includes(path); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return closedRequests.includes(path);
};

describe("httpFetch", () => {
  it("sends the method, headers and body, and answers with status, status text, every header and the body", async () => {
    const headers = new Headers({ "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": "s1" });
    const response = await httpFetch(`${base}/json`, { method: "POST", headers, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect([response.status, response.statusText, response.ok]).toEqual([200, "Fine", true]);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.json()).toEqual({ ok: true });
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: "POST", url: "/json", body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(request.headers).toMatchObject({ "mcp-session-id": "s1", accept: "application/json, text/event-stream", "content-length": "40" });
  });

  it("takes headers as a record or as pairs too", async () => {
    await httpFetch(`${base}/json`, { headers: { "X-One": "1" } });
    expect(seen.at(-1)!.headers["x-one"]).toBe("1");
    await httpFetch(`${base}/json`, { headers: [["X-Two", "2"]] });
    expect(seen.at(-1)!.headers["x-two"]).toBe("2");
  });

  it("answers a 204 with no body", async () => {
    const response = await httpFetch(`${base}/empty`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it("hands an event stream over as it arrives, and an abort ends it with the abort's reason", async () => {
    const controller = new AbortController();
    const response = await httpFetch(`${base}/events`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("event: message\ndata: first\n\n");
    const reason = new Error("the transport closed");
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    expect(await closed("/events")).toBe(true);
  });

  it("rejects with the abort's reason while waiting for an answer, and the server sees the connection go", async () => {
    const controller = new AbortController();
    const pending = httpFetch(`${base}/slow`, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error("cancelled"));
    await expect(pending).rejects.toThrow("cancelled");
    expect(await closed("/slow")).toBe(true);
  });

  it("keeps one listener on a signal however many requests it serves at once, and an abort reaches them all", async () => {
    const controller = new AbortController();
    const { signal } = controller;
    await Promise.all(Array.from({ length: 30 }, async () => (await httpFetch(`${base}/json`, { signal })).json()));
    const waiting = Array.from({ length: 30 }, () => httpFetch(`${base}/slow`, { signal }).catch((caught: unknown) => caught));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    const reason = new Error("closing");
    controller.abort(reason);
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 30 }, () => reason));
  });

  it("holds no finished request, on the signal (a transport's lives as long as its session) or on the kept-alive socket", async () => {
    const { signal } = new AbortController();
    // The caller's options of the signal's first request, which opened its one listener.
    const firstRequest = await (async () => {
      const init = { headers: { accept: "application/json" }, signal };
      await (await httpFetch(`${base}/json`, init)).json();
      return new WeakRef(init);
    })();
    // The next one takes the first one's socket from the pool.
    await (await httpFetch(`${base}/json`, { signal })).json();
    // No deref() between collections: it keeps its object alive to the end of the job it runs in.
    for (let i = 0; i < 3; i++) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(firstRequest.deref()).toBeUndefined();
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
  });

  it("refuses an answer over its bound and closes the connection", async () => {
    const bounded = createHttpFetch({ maxResponseBytes: 1024 * 1024 });
    const error = await bounded(`${base}/endless`, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("fetch failed");
    expect(String((error as TypeError).cause)).toMatch(/over 1048576 bytes/);
    // The server answered and the session is sound: an error for the caller, not a lost connection.
    expect(failureKind(error)).toBe("other");
    expect(await closed("/endless")).toBe(true);
  });

  it("fails as fetch does when the connection is refused (never sent) or cut mid-answer (may have run)", async () => {
    const refusing = http.createServer();
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const port = (refusing.address() as AddressInfo).port;
    await new Promise((resolve) => refusing.close(resolve));
    const refused = await httpFetch(`http://127.0.0.1:${port}/mcp`, { method: "POST", body: "{}" }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(TypeError);
    expect(((refused as TypeError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");

    const cut = await httpFetch(`${base}/cut`, { method: "POST", body: "{}" }).catch((caught: unknown) => caught);
    expect(cut).toBeInstanceOf(TypeError);
    expect(failureKind(cut)).toBe("connection");
  });

  it("leaves every request to the global fetch while NODE_USE_ENV_PROXY asks Node to use a proxy", async () => {
    const viaFetch: string[] = [];
    const onFetch = (message: unknown) => viaFetch.push((message as { request: { path: string } }).request.path);
    subscribe("undici:request:create", onFetch);
    try {
      process.env.NODE_USE_ENV_PROXY = "1";
      try {
        expect(await (await httpFetch(`${base}/json`, { method: "POST", body: "{}" })).json()).toEqual({ ok: true });
      } finally {
        delete process.env.NODE_USE_ENV_PROXY;
      }
      expect(viaFetch).toEqual(["/json"]);
      // Without it, over node:http again: still listened for, fetch sees nothing more.
      await (await httpFetch(`${base}/json`, { method: "POST", body: "{}" })).json();
      expect(viaFetch).toEqual(["/json"]);
    } finally {
      unsubscribe("undici:request:create", onFetch);
    }
  });

  it("follows a redirect, and sends a body it does not take (a form) through the global fetch", async () => {
    const moved = await httpFetch(`${base}/moved`, { method: "POST", body: "{}" });
    expect([moved.status, moved.redirected, await moved.json()]).toEqual([200, true, { ok: true }]);
    await httpFetch(`${base}/json`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials" }) });
    expect(seen.at(-1)!).toMatchObject({ body: "grant_type=client_credentials", headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" } });
  });
});
