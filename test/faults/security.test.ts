import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient, resultText } from "../../adapters/index.js";
import { startMathServer, type RunningServer } from "../../servers/index.js";
import { PROCESS_TIMEOUT_MS, spawnServer, type ChildServer } from "../support/server-process.js";
import { recordFigure } from "../support/figures.js";
import { describeSeen, installProcessGuard } from "../support/process-guard.js";
import { isJsonRpcErrorBody, MCP_ACCEPT, openRawHttpSession, rawRequest, type RawResponse } from "../support/raw-http.js";
import { openRawSseSession, type RawSseSession } from "../support/raw-sse.js";
import { assertServes } from "../support/sdk-client.js";

const BAD_HOSTS = ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.attacker.test:1234"];
const BAD_ORIGINS = ["http://evil.example", "http://127.0.0.1.evil.example", "https://localhost.attacker.test", "null", "file://"];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "security", version: "0" } },
});
const TOOLS_LIST = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });

interface Route {
  name: string;
  request(headers: Record<string, string>): Promise<RawResponse>;
}

/**
 * Every route of a server, each with what a legitimate client would send (a live session where one is
 * needed), so the only thing wrong in a refused request is the header under test.
 */
async function routesOf(url: string, sse: RawSseSession, mcpSessionId: string): Promise<Route[]> {
  const mcpHeaders = { "content-type": "application/json", accept: MCP_ACCEPT };
  return [
    { name: "GET /healthz", request: (headers) => rawRequest(`${url}/healthz`, { headers }) },
    { name: "GET /sse", request: (headers) => rawRequest(`${url}/sse`, { headers: { accept: "text/event-stream", ...headers }, streamHeadersOnly: true }) },
    {
      name: "POST /messages",
      request: (headers) => rawRequest(sse.endpoint, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: TOOLS_LIST }),
    },
    { name: "POST /mcp (initialize)", request: (headers) => rawRequest(`${url}/mcp`, { method: "POST", headers: { ...mcpHeaders, ...headers }, body: INITIALIZE }) },
    {
      name: "POST /mcp (in session)",
      request: (headers) =>
        rawRequest(`${url}/mcp`, { method: "POST", headers: { ...mcpHeaders, "mcp-session-id": mcpSessionId, ...headers }, body: TOOLS_LIST }),
    },
    {
      name: "GET /mcp",
      request: (headers) =>
        rawRequest(`${url}/mcp`, { headers: { accept: "text/event-stream", "mcp-session-id": mcpSessionId, ...headers }, streamHeadersOnly: true }),
    },
    {
      name: "DELETE /mcp",
      request: (headers) => rawRequest(`${url}/mcp`, { method: "DELETE", headers: { "mcp-session-id": mcpSessionId, ...headers } }),
    },
  ];
}

describe("security of the real servers over HTTP", { timeout: PROCESS_TIMEOUT_MS }, () => {
  const guard = installProcessGuard();
  let math: ChildServer;
  let weather: ChildServer;
  let checks = 0;

  beforeAll(async () => {
    [math, weather] = await Promise.all([spawnServer("math"), spawnServer("weather")]);
  }, PROCESS_TIMEOUT_MS);
  afterAll(async () => {
    guard.dispose();
    await Promise.all([math?.stop(), weather?.stop()]);
    recordFigure("security.checks", checks);
  }, PROCESS_TIMEOUT_MS);

  describe.each(["math", "weather"])("DNS-rebinding protection on every route of %s", (kind) => {
    const server = () => (kind === "math" ? math : weather);

    it("a foreign Host alone gets 403 with a JSON-RPC error body", async () => {
      const sse = await openRawSseSession(server().url);
      const session = await openRawHttpSession(server().url);
      try {
        for (const route of await routesOf(server().url, sse, session.sessionId)) {
          for (const host of BAD_HOSTS) {
            checks++;
            const response = await route.request({ host });
            expect(response.status, `${route.name} with Host: ${host}`).toBe(403);
            expect(isJsonRpcErrorBody(response), `${route.name}: ${response.text}`).toBe(true);
          }
        }
        // The refused DELETE must not have ended the session.
        expect((await session.post(TOOLS_LIST)).status).toBe(200);
      } finally {
        sse.close();
      }
    });

    it("a foreign Origin alone (with a good Host) gets 403 with a JSON-RPC error body", async () => {
      const sse = await openRawSseSession(server().url);
      const session = await openRawHttpSession(server().url);
      try {
        for (const route of await routesOf(server().url, sse, session.sessionId)) {
          for (const origin of BAD_ORIGINS) {
            checks++;
            const response = await route.request({ origin });
            expect(response.status, `${route.name} with Origin: ${origin}`).toBe(403);
            expect(isJsonRpcErrorBody(response), `${route.name}: ${response.text}`).toBe(true);
          }
        }
        expect((await session.post(TOOLS_LIST)).status).toBe(200);
      } finally {
        sse.close();
      }
    });

    it("the same routes pass with a loopback Host and a loopback Origin (the checks are not blanket refusals)", async () => {
      const sse = await openRawSseSession(server().url);
      const session = await openRawHttpSession(server().url);
      const port = new URL(server().url).port;
      try {
        for (const route of await routesOf(server().url, sse, session.sessionId)) {
          const variants: Array<Record<string, string>> = [{ host: `localhost:${port}` }, { origin: `http://127.0.0.1:${port}` }, { origin: `http://localhost:${port}` }];
          for (const headers of variants) {
            checks++;
            const response = await route.request(headers);
            expect(response.status, `${route.name} with ${JSON.stringify(headers)}: ${response.text}`).not.toBe(403);
            expect(response.status).toBeLessThan(500);
          }
        }
      } finally {
        sse.close();
      }
    });
  });

  describe("session ids", () => {
    it("are UUIDv4 (122 random bits), all distinct, with uniformly distributed digits, on both transports", async () => {
      const httpIds: string[] = [];
      const sseIds: string[] = [];
      for (let index = 0; index < 40; index++) {
        httpIds.push((await openRawHttpSession(math.url)).sessionId);
        const sse = await openRawSseSession(math.url);
        sseIds.push(sse.sessionId);
        sse.close();
      }
      for (const ids of [httpIds, sseIds]) {
        checks++;
        for (const id of ids) expect(id).toMatch(UUID_V4);
        expect(new Set(ids).size).toBe(ids.length);
        // Shannon entropy of the hex digits in the random positions: 4 bits each for a uniform source.
        const digits = ids.flatMap((id) => [...id.replace(/-/g, "")].filter((_, position) => position !== 12 && position !== 16));
        const frequency = new Map<string, number>();
        for (const digit of digits) frequency.set(digit, (frequency.get(digit) ?? 0) + 1);
        const entropy = [...frequency.values()].reduce((sum, n) => sum - (n / digits.length) * Math.log2(n / digits.length), 0);
        expect(entropy).toBeGreaterThan(3.9);
        // Not a counter or a timestamp: consecutive ids share no long prefix.
        for (let index = 1; index < ids.length; index++) expect(ids[index]!.slice(0, 6)).not.toBe(ids[index - 1]!.slice(0, 6));
      }
    });

    it("an SSE session id is refused on /mcp and a Streamable HTTP session id is refused on /messages", async () => {
      const sse = await openRawSseSession(math.url);
      const session = await openRawHttpSession(math.url);
      try {
        checks += 3;
        const onMcp = await rawRequest(`${math.url}/mcp`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: MCP_ACCEPT, "mcp-session-id": sse.sessionId },
          body: TOOLS_LIST,
        });
        expect(onMcp.status).toBe(404);
        expect(isJsonRpcErrorBody(onMcp)).toBe(true);
        const getOnMcp = await rawRequest(`${math.url}/mcp`, { headers: { accept: "text/event-stream", "mcp-session-id": sse.sessionId } });
        expect(getOnMcp.status).toBe(404);
        const onMessages = await rawRequest(`${math.url}/messages?sessionId=${session.sessionId}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: TOOLS_LIST,
        });
        expect(onMessages.status).toBe(404);
        expect(isJsonRpcErrorBody(onMessages)).toBe(true);
        // Both sessions are still fine on their own transport.
        expect((await session.post(TOOLS_LIST)).status).toBe(200);
        expect((await sse.post(TOOLS_LIST)).status).toBe(202);
      } finally {
        sse.close();
      }
    });

    it("a session ended with DELETE (or a closed SSE stream) cannot be used again", async () => {
      checks += 2;
      const session = await openRawHttpSession(math.url);
      const deleted = await rawRequest(`${math.url}/mcp`, { method: "DELETE", headers: { "mcp-session-id": session.sessionId } });
      expect(deleted.status).toBe(200);
      const after = await session.post(TOOLS_LIST);
      expect(after.status).toBe(404);
      expect(isJsonRpcErrorBody(after)).toBe(true);

      const sse = await openRawSseSession(math.url);
      sse.close();
      await expect
        .poll(async () => (await rawRequest(sse.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: TOOLS_LIST })).status, { timeout: 10_000 })
        .toBe(404);
    });
  });

  describe("oversized bodies", () => {
    const big = (bytes: number) => JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "add", arguments: { a: 1, b: 2, pad: "x".repeat(bytes) } } });

    it.each([
      ["just over 256 KiB", 256 * 1024 + 1, false],
      ["1 MB", 1 << 20, false],
      ["8 MB", 8 << 20, false],
      ["1 MB sent chunked, without Content-Length", 1 << 20, true],
    ] as const)("%s gets 413 with a JSON-RPC error on /mcp and /messages, and the server keeps serving", async (_label, bytes, chunked) => {
      const session = await openRawHttpSession(math.url);
      const sse = await openRawSseSession(math.url);
      try {
        for (const [name, send] of [
          ["POST /mcp (in session)", (body: string) => session.post(body)],
          ["POST /mcp (initialize)", (body: string) => rawRequest(`${math.url}/mcp`, { method: "POST", headers: { "content-type": "application/json", accept: MCP_ACCEPT }, body, chunked })],
          ["POST /messages", (body: string) => rawRequest(sse.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body, chunked })],
        ] as const) {
          checks++;
          const body = name === "POST /mcp (initialize)" ? INITIALIZE.replace('"clientInfo"', `"pad":"${"x".repeat(bytes)}","clientInfo"`) : big(bytes);
          const response = await send(body);
          expect(response.status, `${name}: ${response.text.slice(0, 200)}`).toBe(413);
          expect(isJsonRpcErrorBody(response), response.text.slice(0, 200)).toBe(true);
        }
        expect((await session.post(TOOLS_LIST)).status).toBe(200);
        expect(sse.open()).toBe(true);
      } finally {
        sse.close();
      }
      await assertServes(math.url, "http", "math");
      await assertServes(math.url, "sse", "math");
    });
  });

  describe("bearer token", () => {
    let guarded: RunningServer;
    const token = "s3cret-token-for-tests";

    beforeAll(async () => {
      guarded = await startMathServer({ host: "127.0.0.1", port: 0, authToken: token, quiet: true });
    }, PROCESS_TIMEOUT_MS);
    afterAll(async () => {
      await guarded?.close();
    }, PROCESS_TIMEOUT_MS);

    it("binding a non-loopback address without a token is refused before anything listens", async () => {
      checks++;
      // 192.0.2.1 is TEST-NET-1: not on this machine, so even a server that ignored the rule could not expose anything.
      const error = await startMathServer({ host: "192.0.2.1", port: 0, quiet: true }).then(
        async (server) => {
          await server.close();
          return new Error("started");
        },
        (caught: Error) => caught,
      );
      expect(error.name).toBe("HostStartError");
      expect(error.message).toMatch(/token/i);
    });

    it("every route answers 401 with a JSON-RPC error without the token, or with a wrong one", async () => {
      const authorized = { authorization: `Bearer ${token}` };
      const sse = await openRawSseSession(guarded.url, authorized);
      const session = await openRawHttpSession(guarded.url, authorized);
      try {
        for (const route of await routesOf(guarded.url, sse, session.sessionId)) {
          const variants: Array<Record<string, string>> = [
            {},
            { authorization: "Bearer wrong" },
            { authorization: `Basic ${Buffer.from(`user:${token}`).toString("base64")}` },
            { authorization: token },
          ];
          for (const headers of variants) {
            checks++;
            const response = await route.request(headers);
            expect(response.status, `${route.name} with ${JSON.stringify(headers)}`).toBe(401);
            expect(isJsonRpcErrorBody(response)).toBe(true);
            expect(String(response.headers["www-authenticate"] ?? "")).toMatch(/^Bearer/);
          }
        }
      } finally {
        sse.close();
      }
    });

    it("with the token, the project's client works over both transports", async () => {
      for (const transport of ["http", "sse"] as const) {
        checks++;
        const client = new MultiServerClient({
          math: { url: `${guarded.url}/${transport === "http" ? "mcp" : "sse"}`, transport, headers: { Authorization: `Bearer ${token}` } },
        });
        try {
          expect((await client.connect()).math?.state).toBe("connected");
          expect(resultText(await client.callTool("math", "multiply", { a: 2147483648, b: 2147483648 }))).toBe("4611686018427387904");
        } finally {
          await client.close();
        }
      }
    });
  });

  it("both servers are alive and nothing went unhandled", async () => {
    for (const server of [math, weather]) {
      const state = await Promise.race([server.exited.then((code) => `exited ${code}`), Promise.resolve("running")]);
      expect(state, server.output()).toBe("running");
    }
    expect(guard.seen, describeSeen(guard)).toEqual([]);
  });
});
