import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endlessUpload } from "../support/attacks.js";
import { recordFigure } from "../support/figures.js";
import { describeSeen, installProcessGuard } from "../support/process-guard.js";
import { isJsonRpcErrorBody, MCP_ACCEPT, openRawHttpSession, rawRequest } from "../support/raw-http.js";
import { openRawSseSession } from "../support/raw-sse.js";
import { assertServes } from "../support/sdk-client.js";
import { PROCESS_TIMEOUT_MS, spawnServer, type ChildServer } from "../support/server-process.js";

/** The target for cutting off a body that never ends. */
const CUT_OFF_MS = 3_000;
/** How long the client keeps sending before it calls the server unbounded. */
const GIVE_UP_MS = 8_000;

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s on Linux). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Issue #13, item 4: an endless chunked body was read to its end before the 413 (a core at 100 % for
 * 251 s). Now bytes are counted as they arrive: the chunk that crosses the limit (256 KiB) gets the 413
 * and the rest is never read.
 */
describe("a request body that never ends", { timeout: PROCESS_TIMEOUT_MS }, () => {
  const guard = installProcessGuard();
  let math: ChildServer;

  beforeAll(async () => {
    math = await spawnServer("math");
  }, PROCESS_TIMEOUT_MS);
  afterAll(async () => {
    guard.dispose();
    await math?.stop();
  }, PROCESS_TIMEOUT_MS);

  const json = { "content-type": "application/json", accept: MCP_ACCEPT };

  it.each([
    ["POST /mcp (initialize)", async () => ({ url: `${math.url}/mcp`, headers: json })],
    [
      "POST /mcp (in a session)",
      async () => {
        const session = await openRawHttpSession(math.url);
        return { url: `${math.url}/mcp`, headers: { ...json, "mcp-session-id": session.sessionId, "mcp-protocol-version": session.protocolVersion } };
      },
    ],
    [
      "POST /messages (in an SSE session)",
      async () => {
        const sse = await openRawSseSession(math.url);
        return { url: sse.endpoint, headers: { "content-type": "application/json" }, sse };
      },
    ],
  ])("%s: 413 with a JSON-RPC error within 3 s, the connection closed, the server idle and serving", async (label, target) => {
    const { url, headers, sse } = { sse: undefined, ...(await target()) };
    try {
      const cpuBefore = await cpuSeconds(math.pid);
      const outcome = await endlessUpload(url, headers, '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"', GIVE_UP_MS);
      // Once cut off, the server must not keep burning a core on the rest.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const cpuUsed = (await cpuSeconds(math.pid)) - cpuBefore;
      recordFigure(`endless-body.${label}.answered-ms`, outcome.answeredAfterMs ?? "never");
      recordFigure(`endless-body.${label}.closed-ms`, outcome.closedAfterMs ?? "never");
      recordFigure(`endless-body.${label}.client-wrote-mb`, (outcome.sentBytes / 2 ** 20).toFixed(1));
      recordFigure(`endless-body.${label}.server-cpu-s`, cpuUsed.toFixed(2));

      expect(outcome.status, outcome.text.slice(0, 300)).toBe(413);
      expect(outcome.answeredAfterMs).toBeLessThan(CUT_OFF_MS);
      expect(outcome.closedAfterMs, "the server kept the connection open").toBeDefined();
      expect(outcome.closedAfterMs!).toBeLessThan(CUT_OFF_MS);
      const body = outcome.text.slice(outcome.text.indexOf("\r\n\r\n") + 4);
      expect(JSON.parse(body)).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32000, message: expect.stringMatching(/Payload Too Large/) } });
      expect(outcome.text).toMatch(/\r\nConnection: close\r\n/i);
      // The client got to write little more than what TCP buffers hold, not gigabytes.
      expect(outcome.sentBytes).toBeLessThan(64 * 2 ** 20);
      expect(cpuUsed).toBeLessThan(2);
      if (sse) expect(sse.open(), "the SSE session's stream is unaffected").toBe(true);
    } finally {
      sse?.close();
    }
    await assertServes(math.url, "http", "math");
  });

  it("a Content-Length over the limit is refused before a byte of the body is read", async () => {
    const response = await rawRequest(`${math.url}/mcp`, { method: "POST", headers: { ...json, "content-length": String(2 ** 30) }, body: "{" });
    expect(response.status).toBe(413);
    expect(isJsonRpcErrorBody(response)).toBe(true);
  });

  it("an endless body on a route that reads no body is not read either", async () => {
    const outcome = await endlessUpload(`${math.url}/healthz`, json, "{", GIVE_UP_MS);
    expect(outcome.status).toBe(404);
    expect(outcome.closedAfterMs).toBeLessThan(CUT_OFF_MS);
  });

  it("the server is alive and nothing went unhandled", async () => {
    await assertServes(math.url, "sse", "math");
    const state = await Promise.race([math.exited.then((code) => `exited ${code}`), Promise.resolve("running")]);
    expect(state, math.output()).toBe("running");
    expect(guard.seen, describeSeen(guard)).toEqual([]);
  });
});
