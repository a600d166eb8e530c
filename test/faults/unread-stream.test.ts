import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openUnreadStream, sampleRss, serverHoldsConnection } from "../support/attacks.js";
import { recordFigure } from "../support/figures.js";
import { startCommand, tsxCommand, type ChildHandle } from "../support/processes.js";
import { describeSeen, installProcessGuard } from "../support/process-guard.js";
import { openRawHttpSession, rawRequest } from "../support/raw-http.js";
import { assertServes, connectClient } from "../support/sdk-client.js";
import { PROCESS_TIMEOUT_MS, readRssKb, spawnServer, type ChildServer } from "../support/server-process.js";

/** The target: a client that stops reading must not grow a server by more than this. */
const MAX_RSS_GROWTH_MB = 150;
/** 1,500 replies of 200 KB: 300 MB that an unbounded server keeps in memory for the unread stream. */
const POSTS = 1_500;
const REPLY_BYTES = 200_000;
const CONCURRENCY = 4;

/**
 * Issue #13, item 1: one client opens `GET /sse`, stops reading, and keeps POSTing; every reply stayed
 * in the server's memory (114 MB → 3.2 GB, then a heap OOM). A JSON-RPC reply must echo the request's
 * id, so a 200 KB id makes a 200 KB reply without any help from error messages.
 */
describe("a client that stops reading its stream", { timeout: PROCESS_TIMEOUT_MS }, () => {
  const guard = installProcessGuard();
  let math: ChildServer;

  beforeAll(async () => {
    math = await spawnServer("math");
  }, PROCESS_TIMEOUT_MS);
  afterAll(async () => {
    guard.dispose();
    await math?.stop();
  }, PROCESS_TIMEOUT_MS);

  it("legacy SSE: replies to 1,500 POSTs pile up on an unread stream; the session is closed at the bound and RSS grows < 150 MB", async () => {
    // Warm up both transports first, so the baseline includes what serving at all costs.
    await assertServes(math.url, "http", "math");
    await assertServes(math.url, "sse", "math");
    const baselineKb = await math.rssKb();
    const stream = await openUnreadStream(math.url);
    expect(stream.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.stringify({ jsonrpc: "2.0", id: "x".repeat(REPLY_BYTES), method: "ping" });
    const sampler = sampleRss(math.pid);
    const startedAt = Date.now();
    const statuses = new Map<number, number>();
    let next = 0;
    let closedAfterPosts: number | undefined;
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < POSTS) {
            next++;
            const response = await rawRequest(stream.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body, timeoutMs: 20_000 });
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status !== 202) closedAfterPosts ??= statuses.get(202) ?? 0;
          }
        }),
      );
      // The server let go of the stream's connection (an unbounded one never does).
      await expect.poll(() => serverHoldsConnection(math.port, stream.localPort), { timeout: 3_000 }).toBe(false);
    } finally {
      stream.destroy();
    }
    const { peakKb } = await sampler.stop();
    const growthMb = (peakKb - baselineKb) / 1024;
    recordFigure("unread-sse.rss-growth-mb", growthMb.toFixed(1));
    recordFigure("unread-sse.posts-accepted-before-close", statuses.get(202) ?? 0);
    recordFigure("unread-sse.attack-seconds", ((Date.now() - startedAt) / 1000).toFixed(1));

    // Some replies were accepted, then the session was gone (404) for the rest: closed, not just slowed.
    expect(statuses.get(202) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    expect(closedAfterPosts, JSON.stringify([...statuses])).toBeDefined();
    expect(statuses.get(404) ?? 0).toBeGreaterThan(POSTS / 2);
    expect([...statuses.keys()].every((status) => status === 202 || status === 404), JSON.stringify([...statuses])).toBe(true);
    expect(growthMb).toBeLessThan(MAX_RSS_GROWTH_MB);
    // The output bound (4 MiB) plus what the kernel holds; an unbounded server would have taken all 1,500.
    expect(closedAfterPosts!).toBeLessThan(200);

    await assertServes(math.url, "sse", "math");
    await assertServes(math.url, "http", "math");
    expect(math.output()).toMatch(/closed a legacy SSE session of 127\.0\.0\.1: \d+ bytes of output unsent/);
  });

  it("an unknown tool's 200,000-character name comes back cut to about 100 characters", async () => {
    for (const transport of ["http", "sse"] as const) {
      const client = await connectClient(math.url, transport);
      try {
        const error = (await client.callTool({ name: "a".repeat(200_000), arguments: {} }).catch((caught: unknown) => caught)) as McpError;
        expect(error.code).toBe(-32602);
        expect(error.message).toMatch(/Unknown tool "a{100}… \(200000 characters\)"\. Available tools: add, multiply$/);
        expect(error.message.length).toBeLessThan(300);
      } finally {
        await client.close();
      }
    }
  });

  it("Streamable HTTP: 2,000 notifications of 100 KB for an unread GET stream close the session at the bound; RSS grows < 150 MB", async () => {
    let flood: ChildHandle | undefined;
    try {
      const { command, args } = tsxCommand("flood-server.ts");
      flood = await startCommand(command, args, /READY (\d+)/, { env: { MCP_HOST: "127.0.0.1" } });
      const url = `http://127.0.0.1:${flood.port}`;
      const session = await openRawHttpSession(url);
      const stream = await openUnreadStream(url, { "mcp-session-id": session.sessionId, "mcp-protocol-version": session.protocolVersion }, "/mcp", {
        headOnly: true,
      });
      expect(stream.head).toMatch(/^HTTP\/1\.1 200/);
      const baselineKb = await readRssKb(flood.pid);
      const sampler = sampleRss(flood.pid);
      const call = JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "flood", arguments: { count: 2_000, bytes: 100_000 } } });
      // Its session is closed while the call runs: the call is answered 404 at once instead of hanging.
      const callStartedAt = Date.now();
      const answer = await session.post(call);
      recordFigure("unread-standalone.call-answered-ms", Date.now() - callStartedAt);
      expect([200, 404], answer.text.slice(0, 200)).toContain(answer.status);
      // An unbounded server never lets go of it: give it a few seconds, then judge.
      const released = await expect
        .poll(() => serverHoldsConnection(flood!.port, stream.localPort), { timeout: 5_000 })
        .toBe(false)
        .then(() => true, () => false);
      const { peakKb } = await sampler.stop();
      const growthMb = (peakKb - baselineKb) / 1024;
      recordFigure("unread-standalone.rss-growth-mb", growthMb.toFixed(1));
      expect(released, "the server should have closed the unread GET stream's connection").toBe(true);
      const sent = /"text":"(\d+)"/.exec(answer.text)?.[1];
      if (sent !== undefined) {
        recordFigure("unread-standalone.notifications-before-close", sent);
        expect(Number(sent)).toBeLessThan(2_000);
      }
      expect(growthMb).toBeLessThan(MAX_RSS_GROWTH_MB);
      // The session is gone, and the server still opens new ones.
      expect((await session.post(JSON.stringify({ jsonrpc: "2.0", id: 8, method: "tools/list" }))).status).toBe(404);
      const fresh = await openRawHttpSession(url);
      expect((await fresh.post(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }))).status).toBe(200);
      expect(flood.output()).toMatch(/closed a Streamable HTTP session of 127\.0\.0\.1: \d+ bytes of output unsent/);
      expect((await rawRequest(`${url}/healthz`)).status).toBe(200);
    } finally {
      await flood?.kill("SIGKILL");
    }
  });

  it("the math server is alive and nothing went unhandled", async () => {
    const state = await Promise.race([math.exited.then((code) => `exited ${code}`), Promise.resolve("running")]);
    expect(state, math.output()).toBe("running");
    expect(guard.seen, describeSeen(guard)).toEqual([]);
  });
});
