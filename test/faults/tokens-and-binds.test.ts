import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMathServer } from "../../servers/index.js";
import { recordFigure } from "../support/figures.js";
import { startCommand, type ChildHandle } from "../support/processes.js";
import { describeSeen, installProcessGuard } from "../support/process-guard.js";
import { isJsonRpcErrorBody, MCP_ACCEPT, openRawHttpSession, rawRequest } from "../support/raw-http.js";
import { openRawSseSession } from "../support/raw-sse.js";
import { PROCESS_TIMEOUT_MS, ROOT, spawnServer, type ChildServer } from "../support/server-process.js";

const TOOLS_LIST = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });
const ALICE = { authorization: "Bearer alice-0123456789abcdef" };
const MALLORY = { authorization: "Bearer mallory-0123456789abcdef" };

/** Runs `servers/math/main.ts` with `env`, as `npm run server:math` would, waiting for `ready`. */
function runMathMain(env: Record<string, string>, ready: RegExp): Promise<ChildHandle> {
  return startCommand(process.execPath, ["--import", "tsx", `${ROOT}servers/math/main.ts`], ready, {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", MATH_SERVER_PORT: "0", ...env },
  });
}

/**
 * Issue #13, item 5: a token with a space was accepted at start and then matched no request ever;
 * `MCP_HOST=0.0.0.0` logged `http://127.0.0.1:port`; anyone with an SSE session id (it is in the URL)
 * could post into that session.
 */
describe("tokens, session ownership and the bind address", { timeout: PROCESS_TIMEOUT_MS }, () => {
  const guard = installProcessGuard();
  let math: ChildServer;
  let checks = 0;

  beforeAll(async () => {
    math = await spawnServer("math");
  }, PROCESS_TIMEOUT_MS);
  afterAll(async () => {
    guard.dispose();
    await math?.stop();
    recordFigure("tokens-and-binds.checks", checks);
  }, PROCESS_TIMEOUT_MS);

  it("a token with a space is refused at start: the process exits 1 naming MCP_AUTH_TOKEN", async () => {
    checks++;
    const started = await spawnServer("math", { authToken: "my secret token 0123456789", readyTimeoutMs: 30_000 }).then(
      async (server) => {
        await server.stop();
        return "started";
      },
      (error: Error) => error.message,
    );
    expect(started).toMatch(/exited \(1\)/);
    expect(started).toMatch(/MCP_AUTH_TOKEN: may only contain .*RFC 6750/);
  });

  it.each([
    ["a space", "my secret token 0123456789"],
    ["a quote", 'token"0123456789abcdef'],
    ["a non-ASCII letter", "tokén-0123456789abcdef"],
    ["padding in the middle", "token=0123456789abcdef"],
  ])("a token with %s is refused by startMathServer with a HostStartError naming MCP_AUTH_TOKEN", async (_label, token) => {
    checks++;
    const error = await startMathServer({ port: 0, quiet: true, authToken: token }).then(
      async (server) => {
        await server.close();
        return new Error("started");
      },
      (caught: Error) => caught,
    );
    expect(error.name).toBe("HostStartError");
    expect(error.message).toMatch(/MCP_AUTH_TOKEN\) may only contain/);
  });

  it("an SSE session is bound to the token that opened it: another token or none is refused with 403", async () => {
    const sse = await openRawSseSession(math.url, ALICE);
    try {
      for (const headers of [MALLORY, {}, { authorization: "Bearer" }, { authorization: "alice-0123456789abcdef" }]) {
        checks++;
        const response = await rawRequest(sse.endpoint, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: TOOLS_LIST });
        expect(response.status, JSON.stringify(headers)).toBe(403);
        expect(isJsonRpcErrorBody(response)).toBe(true);
      }
      expect(sse.unclaimed(), "a refused POST must not reach the session").toEqual([]);
      checks++;
      expect((await sse.post(TOOLS_LIST)).status).toBe(202);
      expect(((await sse.response(2)).result as { tools: unknown[] }).tools).toHaveLength(2);
    } finally {
      sse.close();
    }
  });

  it("so is a Streamable HTTP session, on POST, GET and DELETE", async () => {
    const session = await openRawHttpSession(math.url, ALICE);
    const sessionHeaders = { "mcp-session-id": session.sessionId, "mcp-protocol-version": session.protocolVersion };
    for (const headers of [MALLORY, {}]) {
      checks += 3;
      const post = await rawRequest(`${math.url}/mcp`, { method: "POST", headers: { "content-type": "application/json", accept: MCP_ACCEPT, ...sessionHeaders, ...headers }, body: TOOLS_LIST });
      expect(post.status).toBe(403);
      const get = await rawRequest(`${math.url}/mcp`, { headers: { accept: "text/event-stream", ...sessionHeaders, ...headers }, streamHeadersOnly: true });
      expect(get.status).toBe(403);
      const deleted = await rawRequest(`${math.url}/mcp`, { method: "DELETE", headers: { ...sessionHeaders, ...headers } });
      expect(deleted.status).toBe(403);
      expect(isJsonRpcErrorBody(deleted)).toBe(true);
    }
    checks++;
    expect((await session.post(TOOLS_LIST)).status).toBe(200);
  });

  it("a token-guarded server refuses a POST into an SSE session without the token, and takes it with the token", async () => {
    const token = "guarded-0123456789abcdef";
    const guarded = await spawnServer("math", { authToken: token });
    try {
      const sse = await openRawSseSession(guarded.url, { authorization: `Bearer ${token}` });
      try {
        checks += 3;
        const post = (headers: Record<string, string>) =>
          rawRequest(sse.endpoint, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: TOOLS_LIST });
        expect((await post({})).status).toBe(401);
        expect((await post({ authorization: "Bearer not-the-token" })).status).toBe(401);
        expect((await sse.post(TOOLS_LIST)).status).toBe(202);
      } finally {
        sse.close();
      }
    } finally {
      await guarded.stop();
    }
  });

  it.each([
    ["0.0.0.0", /MathServer listening on http:\/\/0\.0\.0\.0:(\d+) \(every IPv4 interface: reachable from other machines\); clients on this machine use http:\/\/127\.0\.0\.1:\1 /],
    ["::", /MathServer listening on http:\/\/\[::\]:(\d+) \(every IPv6 interface, .*reachable from other machines\); clients on this machine use http:\/\/\[::1\]:\1 /],
  ])("MCP_HOST=%s: the log names the wildcard bind and the loopback URL for this machine", async (host, line) => {
    checks++;
    const token = "wildcard-0123456789abcdef";
    const server = await runMathMain({ MCP_HOST: host, MCP_AUTH_TOKEN: token }, line);
    try {
      expect(server.output()).toMatch(line);
      expect(server.output()).not.toMatch(/listening on http:\/\/127\.0\.0\.1/);
      // Reached over 127.0.0.1 only (a dual-stack "::" takes IPv4 too); the token still applies.
      expect((await rawRequest(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(401);
      expect((await rawRequest(`http://127.0.0.1:${server.port}/healthz`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await server.kill("SIGTERM");
    }
  });

  it("the server is alive and nothing went unhandled", async () => {
    const state = await Promise.race([math.exited.then((code) => `exited ${code}`), Promise.resolve("running")]);
    expect(state, math.output()).toBe("running");
    expect(guard.seen, describeSeen(guard)).toEqual([]);
  });
});
