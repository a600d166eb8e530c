import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient, resultText } from "../../adapters/index.js";
import { createGraph } from "../../graph/index.js";
import { OfflineRouterModel } from "../../offline/index.js";
import { startFaultServer, type FaultMode, type FaultServer } from "../support/fault-server.js";
import { PROCESS_TIMEOUT_MS } from "../support/server-process.js";
import { recordFigure } from "../support/figures.js";
import { describeSeen, installProcessGuard, within } from "../support/process-guard.js";

/** The configured bound on one call; small so the suite stays fast, large enough for a loaded CI box. */
const CALL_TIMEOUT_MS = 600;
/** How far past the bound a call may settle (event-loop jitter on two busy cores). */
const SLACK_MS = 1_500;
/** What the adapter may throw for a broken call; anything else (a SyntaxError, a ZodError) leaks internals. */
const NAMED_ERRORS = ["ToolTimeoutError", "ConnectionLostError", "ServerUnavailableError", "ToolProtocolError"];

type Transport = "http" | "sse";

async function failingCall(client: MultiServerClient): Promise<{ error: Error; elapsedMs: number }> {
  const started = performance.now();
  const outcome = await within(
    CALL_TIMEOUT_MS + SLACK_MS + 2_000,
    client.callTool("faulty", "multiply", { a: 6, b: 7 }).then(
      (result) => new Error(`expected a failure, got a result: ${JSON.stringify(result)}`),
      (error: unknown) => error,
    ),
    "faulty multiply",
  );
  if (!(outcome instanceof Error)) throw new Error(`threw a non-Error: ${String(outcome)}`);
  if (outcome.message.startsWith("expected a failure")) throw outcome;
  const elapsedMs = performance.now() - started;
  console.log(`[fault] ${outcome.name} after ${Math.round(elapsedMs)} ms: ${outcome.message}`);
  return { error: outcome, elapsedMs };
}

/** `add` on the same client: the session (or a fresh one the client opened by itself) still works. */
async function stillWorks(client: MultiServerClient): Promise<void> {
  const result = await within(5_000, client.callTool("faulty", "add", { a: 20, b: 22 }, { timeoutMs: 4_000 }), "add after the fault");
  expect(result.isError).not.toBe(true);
  expect(resultText(result)).toBe("42");
}

describe("a server that hangs, drops the stream or sends garbage, through MultiServerClient", { timeout: PROCESS_TIMEOUT_MS }, () => {
  const guard = installProcessGuard();
  const fixtures = new Map<FaultMode, FaultServer>();
  const idempotentDrop: { server?: FaultServer } = {};
  const clients: MultiServerClient[] = [];
  let survived = 0;

  beforeAll(async () => {
    for (const mode of ["hang", "drop", "garbage", "malformed-result"] as const) fixtures.set(mode, await startFaultServer(mode));
    idempotentDrop.server = await startFaultServer("drop", { idempotent: true });
  }, PROCESS_TIMEOUT_MS);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    guard.dispose();
    await Promise.all([...fixtures.values(), idempotentDrop.server].map((server) => server?.close()));
    recordFigure("faults.wire.survived", survived);
  }, PROCESS_TIMEOUT_MS);

  const connect = async (server: FaultServer, transport: Transport) => {
    const client = new MultiServerClient(
      { faulty: { url: `${server.url}/${transport === "http" ? "mcp" : "sse"}`, transport } },
      { callTimeoutMs: CALL_TIMEOUT_MS, connectTimeoutMs: 3_000, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } },
    );
    clients.push(client);
    const status = await client.connect();
    expect(status.faulty?.state).toBe("connected");
    return client;
  };

  describe.each<Transport>(["http", "sse"])("over %s", (transport) => {
    it("hang: the call fails with ToolTimeoutError at the configured bound, and the server is told to cancel", async () => {
      const server = fixtures.get("hang")!;
      const cancelledBefore = server.cancelled;
      const client = await connect(server, transport);
      const { error, elapsedMs } = await failingCall(client);
      expect(error.name).toBe("ToolTimeoutError");
      expect(error.message).toContain(`${CALL_TIMEOUT_MS} ms`);
      expect(elapsedMs).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 5);
      expect(elapsedMs).toBeLessThan(CALL_TIMEOUT_MS + SLACK_MS);
      // The SDK sends notifications/cancelled on abort; the hung handler should hear it.
      await expect.poll(() => server.cancelled - cancelledBefore, { timeout: 5_000 }).toBe(1);
      await stillWorks(client);
      survived++;
    });

    it("hang with a per-call timeout: the call's own bound wins over the client's", async () => {
      const client = await connect(fixtures.get("hang")!, transport);
      const started = performance.now();
      const error = await client.callTool("faulty", "multiply", { a: 1, b: 2 }, { timeoutMs: 150 }).catch((caught: Error) => caught);
      expect((error as Error).name).toBe("ToolTimeoutError");
      expect(performance.now() - started).toBeLessThan(150 + SLACK_MS);
      survived++;
    });

    it("drop mid-call (tool not idempotent): a named error, bounded, not retried; the client recovers", async () => {
      const server = fixtures.get("drop")!;
      const callsBefore = server.faultyCalls;
      const client = await connect(server, transport);
      const { error, elapsedMs } = await failingCall(client);
      expect(NAMED_ERRORS, `${error.name}: ${error.message}`).toContain(error.name);
      expect(elapsedMs).toBeLessThan(CALL_TIMEOUT_MS + SLACK_MS);
      expect(server.faultyCalls - callsBefore, "a call that may have run must not be repeated").toBe(1);
      await stillWorks(client);
      survived++;
    });

    it("drop mid-call (tool annotated idempotent): retried at most once, then a named error", async () => {
      const server = idempotentDrop.server!;
      const callsBefore = server.faultyCalls;
      const client = await connect(server, transport);
      const { error, elapsedMs } = await failingCall(client);
      expect(NAMED_ERRORS, `${error.name}: ${error.message}`).toContain(error.name);
      expect(elapsedMs).toBeLessThan(CALL_TIMEOUT_MS + SLACK_MS);
      // Over HTTP the drop is seen at once and the call is repeated once; over legacy SSE the result
      // stream's loss surfaces only as the timeout, so there is no second attempt.
      if (transport === "http") expect(server.faultyCalls - callsBefore).toBe(2);
      else expect(server.faultyCalls - callsBefore).toBe(1);
      await stillWorks(client);
      survived++;
    });

    it.each<FaultMode>(["garbage", "malformed-result"])("%s instead of a result: a named error, never a result or a hang", async (mode) => {
      const client = await connect(fixtures.get(mode)!, transport);
      const { error, elapsedMs } = await failingCall(client);
      expect(NAMED_ERRORS, `${error.name}: ${error.message}`).toContain(error.name);
      expect(elapsedMs).toBeLessThan(CALL_TIMEOUT_MS + SLACK_MS);
      await stillWorks(client);
      survived++;
    });
  });

  it.each<[FaultMode, Transport]>([
    ["drop", "http"],
    ["drop", "sse"],
    ["garbage", "http"],
    ["malformed-result", "sse"],
  ])("through the graph (%s over %s): the failed call is recorded as an error and the answer does not invent a result", async (mode, transport) => {
    const client = await connect(fixtures.get(mode)!, transport);
    // The fixture's server is named "faulty"; the offline router finds its multiply by the tool name.
    // The fault server's multiply is not marked read-only; approvals have tests of their own.
    const graph = createGraph({ client, model: new OfflineRouterModel(), callTimeoutMs: CALL_TIMEOUT_MS, maxSteps: 3, approval: "never" });
    try {
      const state = await within(20_000, graph.invoke({ question: "What is 6 times 7?" }), "graph.invoke");
      console.log(`[fault] graph, ${mode} over ${transport} → ${state.answer}`);
      expect(state.calls.length).toBeGreaterThanOrEqual(1);
      expect(state.calls.every((call) => call.isError)).toBe(true);
      expect(state.errors.length).toBeGreaterThanOrEqual(1);
      expect(state.answer).not.toMatch(/\b42\b/);
      expect(state.answer).toMatch(/could not|failed|error|timed out|unavailable|dropped/i);
    } finally {
      await graph.close();
    }
    survived++;
  });

  // Bug in adapters/ (reported, not fixed here): after the one retry of an idempotent tool also hits
  // a drop, ConnectionLostError says the call "was not retried because the tool is not annotated
  // read-only or idempotent" — both false, and misleading to a model or an operator reading it.
  it("idempotent drop over http: the final error does not claim the tool lacks the idempotent annotation", async () => {
    const client = await connect(idempotentDrop.server!, "http");
    const { error } = await failingCall(client);
    expect(error.name).toBe("ConnectionLostError");
    expect(error.message).not.toMatch(/not retried because the tool is not annotated/);
  });

  it("nothing went unhandled in this process", () => {
    expect(guard.seen, describeSeen(guard)).toEqual([]);
  });
});
