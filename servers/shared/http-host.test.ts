import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { startMathServer, startWeatherServer, type RunningServer, type StartOptions } from "../index.js";
import { HostStartError } from "./http-host.js";
import {
  callTool,
  connect,
  expectJsonRpcError,
  INITIALIZE_BODY,
  MCP_POST_HEADERS,
  openLegacySession,
  openStream,
  rawRequest,
  textOf,
  TRANSPORTS,
  waitFor,
  type OpenStream,
} from "../../test/support/connections.js";

const EVIL_HOST = "evil.example.com";

/** Servers started by a test, closed after it even when it fails. */
const started: RunningServer[] = [];
async function start(options: StartOptions = {}): Promise<RunningServer> {
  const server = await startMathServer({ port: 0, quiet: true, ...options });
  started.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

describe("DNS-rebinding protection", () => {
  let server: RunningServer;
  let legacy: OpenStream;
  let messagesPath: string;
  beforeAll(async () => {
    server = await startMathServer({ port: 0, quiet: true });
    // A live SSE session, so /messages answers 403 because of the headers and not because the session is unknown.
    ({ stream: legacy, messagesPath } = await openLegacySession(server.url));
  });
  afterAll(async () => {
    legacy?.close();
    await server?.close();
  });

  const routes = [
    ["GET", "/sse", undefined],
    ["POST", "/messages", "{}"],
    ["POST", "/mcp", INITIALIZE_BODY],
    ["GET", "/mcp", undefined],
    ["DELETE", "/mcp", undefined],
    ["GET", "/healthz", undefined],
  ] as const;

  describe.each(routes)("%s %s", (method, route, body) => {
    const url = () => `${server.url}${route === "/messages" ? messagesPath : route}`;
    const port = () => new URL(server.url).port;

    test("a foreign Host alone is refused with 403 and a JSON-RPC error", async () => {
      const response = await rawRequest(url(), { method, body, headers: { ...MCP_POST_HEADERS, host: `${EVIL_HOST}:${port()}` } });
      expect(expectJsonRpcError(response, 403, -32000).message).toContain(EVIL_HOST);
    });

    test("a foreign Origin alone (with a loopback Host) is refused with 403 and a JSON-RPC error", async () => {
      const response = await rawRequest(url(), {
        method,
        body,
        headers: { ...MCP_POST_HEADERS, host: `127.0.0.1:${port()}`, origin: `http://${EVIL_HOST}` },
      });
      expect(expectJsonRpcError(response, 403, -32000).message).toBe(`Invalid Origin: http://${EVIL_HOST}`);
    });
  });

  test("refused SSE connections create no session; the live one keeps working", async () => {
    expect(server.sessions().sse).toBe(1);
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 7, method: "ping" });
    expect((await rawRequest(`${server.url}${messagesPath}`, { method: "POST", headers: MCP_POST_HEADERS, body: ping })).status).toBe(202);
    await waitFor(() => legacy.received().includes('"id":7'));
  });

  test.each(["null", "file://", "not a url"])("the opaque or malformed Origin %j is refused", async (origin) => {
    expectJsonRpcError(await rawRequest(`${server.url}/healthz`, { headers: { origin } }), 403);
  });

  test.each(["http://localhost:6274", "http://127.0.0.1:5173", "https://[::1]"])(
    "a loopback browser Origin %s (e.g. MCP Inspector's UI) is accepted",
    async (origin) => {
      expect((await rawRequest(`${server.url}/healthz`, { headers: { origin } })).status).toBe(200);
    },
  );

  test("Host is checked by hostname, any port, and localhost is accepted", async () => {
    const response = await rawRequest(`${server.url}/healthz`, { headers: { host: "localhost:1" } });
    expect(response.status).toBe(200);
  });
});

describe("GET /healthz", () => {
  test("answers 200 with the server's name, version, tools and live session counts", async () => {
    const server = await startWeatherServer({ port: 0, quiet: true });
    started.push(server);
    const response = await rawRequest(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      status: "ok",
      name: "WeatherServer",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      tools: ["get_weather"],
      transports: { sse: "/sse", streamableHttp: "/mcp", stateless: false },
      sessions: { sse: 0, streamableHttp: 0, statelessInFlight: 0 },
    });
  });
});

describe("bearer token", () => {
  const TOKEN = "test-token-0123456789abcdef";

  test("every route answers 401 without the token, 200 with it, over both transports", async () => {
    const server = await start({ authToken: TOKEN });
    const refused: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token" }, { authorization: TOKEN }];
    for (const headers of refused) {
      const response = await rawRequest(`${server.url}/healthz`, { headers });
      expect(expectJsonRpcError(response, 401).message).toMatch(/Authorization: Bearer/);
      expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
    }
    expect((await rawRequest(`${server.url}/sse`)).status).toBe(401);
    expect((await rawRequest(`${server.url}/mcp`, { method: "POST", headers: MCP_POST_HEADERS, body: INITIALIZE_BODY })).status).toBe(401);
    expect((await rawRequest(`${server.url}/healthz`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);

    for (const kind of TRANSPORTS) {
      await expect(connect(server.url, kind)).rejects.toThrow();
      const { client } = await connect(server.url, kind, { Authorization: `Bearer ${TOKEN}` });
      expect(textOf(await callTool(client, "multiply", { a: 6, b: 7 }))).toBe("42");
      await client.close();
    }
  });

  test("a non-loopback bind is refused without a token", async () => {
    await expect(startMathServer({ host: "0.0.0.0", port: 0, quiet: true })).rejects.toThrow(HostStartError);
    await expect(startMathServer({ host: "0.0.0.0", port: 0, quiet: true })).rejects.toThrow(/MCP_AUTH_TOKEN/);
  });

  test("a non-loopback bind with a token serves authenticated clients only", async () => {
    const server = await start({ host: "0.0.0.0", authToken: TOKEN });
    expect(server.host).toBe("0.0.0.0");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await rawRequest(`${server.url}/healthz`)).status).toBe(401);
    expect((await rawRequest(`${server.url}/healthz`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await rawRequest(`${server.url}/healthz`, { headers: { authorization: `Bearer ${TOKEN}`, host: EVIL_HOST } })).status).toBe(403);
  });
});

describe("request bodies", () => {
  const oversized = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(300 * 1024) } });

  test("a body over the limit gets 413 on /mcp and /messages", async () => {
    const server = await start();
    const { stream, messagesPath } = await openLegacySession(server.url);
    expectJsonRpcError(await rawRequest(`${server.url}/mcp`, { method: "POST", headers: MCP_POST_HEADERS, body: oversized }), 413);
    const response = await rawRequest(`${server.url}${messagesPath}`, { method: "POST", headers: MCP_POST_HEADERS, body: oversized });
    expectJsonRpcError(response, 413);
    stream.close();
  });


  test("the limit is configurable", async () => {
    const server = await start({ maxBodyBytes: 100 });
    const response = await rawRequest(`${server.url}/mcp`, { method: "POST", headers: MCP_POST_HEADERS, body: INITIALIZE_BODY });
    expect(expectJsonRpcError(response, 413).message).toMatch(/exceeds 100 bytes/);
  });

  const malformed = '{"jsonrpc": "2.0", "id": 1, ';

  test("malformed JSON on /mcp gets 400 (-32700) and the session keeps serving", async () => {
    const server = await start();
    const { client, transport } = await connect(server.url, "http");
    const headers = { ...MCP_POST_HEADERS, "mcp-session-id": transport.sessionId ?? "" };
    expectJsonRpcError(await rawRequest(`${server.url}/mcp`, { method: "POST", headers, body: malformed }), 400, -32700);
    expect(textOf(await callTool(client, "add", { a: 40, b: 2 }))).toBe("42");
    await client.close();
  });

  test("malformed JSON on /messages gets 400 (-32700) and the session keeps serving", async () => {
    const server = await start();
    const { stream, messagesPath } = await openLegacySession(server.url);
    const url = `${server.url}${messagesPath}`;
    expectJsonRpcError(await rawRequest(url, { method: "POST", headers: MCP_POST_HEADERS, body: malformed }), 400, -32700);
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" });
    expect((await rawRequest(url, { method: "POST", headers: MCP_POST_HEADERS, body: ping })).status).toBe(202);
    await waitFor(() => stream.received().includes('"id":9'));
    stream.close();
  });


  test("an unknown route is a JSON 404 listing the routes", async () => {
    const server = await start();
    expect(expectJsonRpcError(await rawRequest(`${server.url}/nope`), 404).message).toMatch(/GET \/sse.*\/mcp/);
  });

  test("POST /messages without a known session is refused", async () => {
    const server = await start();
    expectJsonRpcError(await rawRequest(`${server.url}/messages`, { method: "POST", headers: MCP_POST_HEADERS, body: "{}" }), 400);
    const unknown = `${server.url}/messages?sessionId=00000000-0000-0000-0000-000000000000`;
    expectJsonRpcError(await rawRequest(unknown, { method: "POST", headers: MCP_POST_HEADERS, body: "{}" }), 404, -32001);
  });

  test("Streamable HTTP without a session is refused unless it initializes", async () => {
    const server = await start();
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
    expectJsonRpcError(await rawRequest(`${server.url}/mcp`, { method: "POST", headers: MCP_POST_HEADERS, body: ping }), 400);
    const stale = { ...MCP_POST_HEADERS, "mcp-session-id": "no-such-session" };
    expectJsonRpcError(await rawRequest(`${server.url}/mcp`, { method: "POST", headers: stale, body: ping }), 404, -32001);
    expectJsonRpcError(await rawRequest(`${server.url}/mcp`), 400);
  });
});

describe("sessions", () => {
  test("200 connect/disconnect cycles over both transports leave no session behind", async () => {
    const server = await start();
    const cycle = async (kind: (typeof TRANSPORTS)[number]) => {
      const { client, transport } = await connect(server.url, kind);
      expect(textOf(await callTool(client, "add", { a: 1, b: 2 }))).toBe("3");
      // A well-behaved Streamable HTTP client ends its session with DELETE; SSE sessions end with the stream.
      if ("terminateSession" in transport) await transport.terminateSession();
      await client.close();
    };
    for (let batch = 0; batch < 20; batch += 1) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => cycle(TRANSPORTS[i % 2] ?? "http")));
    }
    await waitFor(() => server.sessions().sse === 0 && server.sessions().streamableHttp === 0);
    expect(server.sessions()).toEqual({ sse: 0, streamableHttp: 0, statelessInFlight: 0 });
    // 400 real sessions: a few seconds on an idle machine, far longer on a busy CI runner.
  }, 120_000);

  test("one Server per session: sessions are independent", async () => {
    const server = await start();
    const [first, second] = await Promise.all([connect(server.url, "http"), connect(server.url, "http")]);
    expect(server.sessions().streamableHttp).toBe(2);
    expect(first?.transport.sessionId).not.toBe(second?.transport.sessionId);
    await first?.client.close();
    expect(textOf(await callTool(second!.client, "multiply", { a: 3, b: 3 }))).toBe("9");
    await second?.client.close();
  });

  test("a Streamable HTTP client that vanishes without DELETE is expired after the idle timeout", async () => {
    const server = await start({ sessionIdleTimeoutMs: 200 });
    const { client } = await connect(server.url, "http");
    await callTool(client, "add", { a: 1, b: 1 });
    await client.close();
    expect(server.sessions().streamableHttp).toBe(1);
    await waitFor(() => server.sessions().streamableHttp === 0, 2000);
  });

  test("a connected client with an open stream is not expired while idle", async () => {
    const server = await start({ sessionIdleTimeoutMs: 100 });
    const { client } = await connect(server.url, "http");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.sessions().streamableHttp).toBe(1);
    expect(textOf(await callTool(client, "add", { a: 2, b: 2 }))).toBe("4");
    await client.close();
  });
});

describe("stateless mode", () => {
  test("serves tools over Streamable HTTP with a fresh Server per request and no session", async () => {
    const server = await start({ stateless: true });
    const { client, transport } = await connect(server.url, "http");
    expect(transport.sessionId).toBeUndefined();
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["add", "multiply"]);
    expect(textOf(await callTool(client, "multiply", { a: 2147483648, b: 2147483648 }))).toBe("4611686018427387904");
    await client.close();
    await waitFor(() => server.sessions().statelessInFlight === 0);
    expect(server.sessions()).toEqual({ sse: 0, streamableHttp: 0, statelessInFlight: 0 });
    const get = await rawRequest(`${server.url}/mcp`, { headers: { accept: "text/event-stream" } });
    expectJsonRpcError(get, 405);
    expect(get.headers.allow).toBe("POST");
  });

  test("legacy SSE still works next to stateless Streamable HTTP", async () => {
    const server = await start({ stateless: true });
    const { client } = await connect(server.url, "sse");
    expect(textOf(await callTool(client, "add", { a: 2, b: 3 }))).toBe("5");
    await client.close();
  });
});

describe("lifecycle", () => {
  test("a taken port is a HostStartError naming the address, not a silent hang", async () => {
    const first = await start();
    await expect(startMathServer({ port: first.port, quiet: true })).rejects.toThrow(
      new RegExp(`MathServer could not listen on 127\\.0\\.0\\.1:${first.port}: .*EADDRINUSE`),
    );
  });

  test("close() ends open SSE streams (both transports) promptly and is idempotent", async () => {
    const server = await start();
    const { stream: legacy } = await openLegacySession(server.url);
    const init = await rawRequest(`${server.url}/mcp`, { method: "POST", headers: MCP_POST_HEADERS, body: INITIALIZE_BODY });
    const sessionId = String(init.headers["mcp-session-id"]);
    const standalone = await openStream(`${server.url}/mcp`, { accept: "text/event-stream", "mcp-session-id": sessionId });
    expect([legacy.status, standalone.status]).toEqual([200, 200]);
    expect(server.sessions()).toMatchObject({ sse: 1, streamableHttp: 1 });

    const startedAt = Date.now();
    await Promise.all([server.close(), server.close()]);
    await Promise.all([legacy.ended, standalone.ended]);
    expect(Date.now() - startedAt).toBeLessThan(900);
    expect(server.sessions()).toEqual({ sse: 0, streamableHttp: 0, statelessInFlight: 0 });
    await expect(rawRequest(`${server.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
