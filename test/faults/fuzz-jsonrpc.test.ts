import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_TIMEOUT_MS, spawnServer, type ChildServer, type ServerKind } from "../support/server-process.js";
import { recordFigure } from "../support/figures.js";
import { describeSeen, installProcessGuard } from "../support/process-guard.js";
import {
  isJsonRpcErrorBody,
  MCP_ACCEPT,
  openRawHttpSession,
  parseMessages,
  rawRequest,
  responseProblem,
  type RawResponse,
  type WireMessage,
} from "../support/raw-http.js";
import { openRawSseSession } from "../support/raw-sse.js";
import { assertServes } from "../support/sdk-client.js";

// Runs per property and server. Each case is one HTTP round trip of a millisecond or two.
const RUNS = 200;

const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom("NaN", "Infinity", "1e309", "-0", ""),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
);
const validId = fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.string({ maxLength: 16 }));
const badId = fc.oneof(fc.constant(null), fc.double({ min: 0.1, max: 10, noNaN: true }), fc.boolean(), fc.object({ maxDepth: 1 }), fc.array(fc.integer(), { maxLength: 2 }));
const method = fc.oneof(
  fc.constantFrom(
    "tools/list",
    "tools/call",
    "ping",
    "initialize",
    "resources/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
    "tasks/list",
    "notifications/initialized",
    "notifications/cancelled",
    "notifications/roots/list_changed",
  ),
  fc.string({ maxLength: 30 }),
);
const toolCallParams = fc.record(
  {
    name: fc.oneof(fc.constantFrom("add", "multiply", "get_weather", "missing_tool", "math__add"), fc.string({ maxLength: 20 })),
    arguments: fc.oneof(fc.record({ a: anyValue, b: anyValue, city: anyValue }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: [] },
);
const message = fc.record(
  {
    jsonrpc: fc.oneof({ weight: 5, arbitrary: fc.constant("2.0") }, { weight: 1, arbitrary: fc.constantFrom("1.0", 2, null, "2.0 ", "") }),
    id: fc.oneof({ weight: 4, arbitrary: validId }, { weight: 1, arbitrary: badId }),
    method: fc.oneof({ weight: 5, arbitrary: method }, { weight: 1, arbitrary: anyValue }),
    params: fc.oneof(toolCallParams, fc.jsonValue({ maxDepth: 3 })),
    result: fc.jsonValue({ maxDepth: 2 }),
    error: fc.record({ code: fc.integer(), message: fc.string({ maxLength: 10 }) }),
  },
  { requiredKeys: ["jsonrpc", "method"] },
);
const validJson = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value));
/** Every body a client could POST: one message, a batch, any JSON, or bytes that are not JSON at all. */
const body = fc.oneof(
  { weight: 5, arbitrary: message.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.array(message, { maxLength: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: validJson },
  { weight: 1, arbitrary: message.chain((value) => {
    const text = JSON.stringify(value);
    return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut));
  }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString("latin1")) },
);
/** Header-safe strings (node:http refuses CR, LF and other control characters on its own side). */
const headerValue = fc.stringMatching(/^[\x21-\x7e]{0,80}$/);

/** What the legacy SSE transport of the SDK writes for a message it cannot validate (see the bug test). */
const KNOWN_SSE_PLAIN_TEXT_400 = /^HTTP 400 without a JSON-RPC error body: (Invalid message:|Error: Unsupported content-type)/;

let idCounter = 0;
/**
 * Makes every valid request id unique across the run (keeping its type), so a response can be
 * matched to the request that caused it and a missing answer is noticed.
 */
function uniqueIds(text: string): { text: string; expected: Array<string | number> } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text, expected: [] };
  }
  const messages = Array.isArray(value) ? value : [value];
  const expected: Array<string | number> = [];
  for (const item of messages) {
    if (typeof item !== "object" || item === null || !("id" in item)) continue;
    const entry = item as Record<string, unknown>;
    if (typeof entry.id === "string") entry.id = `${entry.id}#${++idCounter}`;
    else if (Number.isSafeInteger(entry.id)) entry.id = 10_000_000_000 + ++idCounter;
    else continue;
    if (entry.jsonrpc === "2.0" && typeof entry.method === "string" && !("result" in entry) && !("error" in entry)) expected.push(entry.id as string | number);
  }
  return { text: JSON.stringify(value), expected };
}

/** Problems with one answer; an empty list means it is what the spec allows. */
function answerProblems(response: RawResponse, expected: Array<string | number>, allWereValid: boolean): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`HTTP ${response.status}`);
  if (response.status === 202) {
    if (allWereValid && expected.length > 0) problems.push(`202 for requests ${JSON.stringify(expected)} that need an answer`);
    return problems;
  }
  if (response.status >= 400) {
    if (!isJsonRpcErrorBody(response)) problems.push(`HTTP ${response.status} without a JSON-RPC error body: ${response.text.slice(0, 200)}`);
    return problems;
  }
  const parsed = parseMessages(response);
  if (!parsed.ok) return [...problems, parsed.error];
  for (const entry of parsed.messages) {
    const problem = responseProblem(entry);
    if (problem) problems.push(`${problem}: ${JSON.stringify(entry).slice(0, 200)}`);
  }
  const ids = new Set(parsed.messages.map((entry) => entry.id));
  for (const id of expected) if (!ids.has(id)) problems.push(`no response for id ${JSON.stringify(id)}`);
  return problems;
}

/** True when every message in the body parses as a JSON-RPC request, notification or response. */
function allValid(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  const messages = Array.isArray(value) ? value : [value];
  return messages.every((item) => {
    if (typeof item !== "object" || item === null) return false;
    const entry = item as Record<string, unknown>;
    if (entry.jsonrpc !== "2.0") return false;
    if ("id" in entry && typeof entry.id !== "string" && !Number.isSafeInteger(entry.id)) return false;
    return typeof entry.method === "string";
  });
}

/** A normal tools/call for this server and the text its result must carry. */
function normalCall(kind: ServerKind, id: number): { body: string; expect: string } {
  const [name, args, text] = kind === "math" ? ["multiply", { a: 6, b: 7 }, "42"] : ["get_weather", { city: "Oslo" }, "Oslo"];
  return { body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } }), expect: text };
}

/** The text blocks of the single tools/call result in a raw answer, or why there is none. */
function resultTextOf(response: RawResponse): string {
  const parsed = parseMessages(response);
  if (!parsed.ok) return parsed.error;
  const result = parsed.messages[0]?.result as { content?: Array<{ text?: string }>; isError?: boolean } | undefined;
  if (!result || result.isError) return `no successful result: ${response.status} ${response.text.slice(0, 200)}`;
  return (result.content ?? []).map((block) => block.text ?? "").join("\n");
}

describe.each<ServerKind>(["math", "weather"])("raw JSON-RPC fuzzing of the %s server", { timeout: PROCESS_TIMEOUT_MS }, (kind) => {
  const guard = installProcessGuard();
  let server: ChildServer;
  let cases = 0;

  beforeAll(async () => {
    server = await spawnServer(kind);
  }, PROCESS_TIMEOUT_MS);
  afterAll(async () => {
    guard.dispose();
    await server?.stop();
    recordFigure(`fuzz.jsonrpc.${kind}.cases`, cases);
  }, PROCESS_TIMEOUT_MS);

  it("POST /mcp in a live session: every body gets a JSON-RPC answer, never a 5xx", async () => {
    const session = await openRawHttpSession(server.url);
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        cases++;
        const { text, expected } = uniqueIds(raw);
        const response = await session.post(text);
        expect(answerProblems(response, expected, allValid(text)), text.slice(0, 300)).toEqual([]);
        // And the session still serves a normal call right after.
        const normal = normalCall(kind, ++idCounter);
        expect(resultTextOf(await session.post(normal.body)), `after ${text.slice(0, 200)}`).toContain(normal.expect);
      }),
      { numRuns: RUNS },
    );
  });

  it("POST /mcp with fuzzed Accept, Content-Type and protocol-version headers", async () => {
    const session = await openRawHttpSession(server.url);
    const request = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          accept: fc.oneof(fc.constantFrom(MCP_ACCEPT, "application/json", "text/event-stream", "*/*", "text/html"), headerValue),
          "content-type": fc.oneof(fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-8", "multipart/form-data"), headerValue),
          "mcp-protocol-version": fc.oneof(fc.constantFrom(session.protocolVersion, "2024-11-05", "1999-01-01"), headerValue),
        }),
        async (headers) => {
          cases++;
          const response = await session.post(request, headers);
          expect(answerProblems(response, [], false), JSON.stringify(headers)).toEqual([]);
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });

  it("POST /mcp with a session id that does not exist is refused with a JSON-RPC error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uuid(), headerValue.filter((value) => value.length > 0)), async (sessionId) => {
        cases++;
        const response = await rawRequest(`${server.url}/mcp`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: MCP_ACCEPT, "mcp-session-id": sessionId },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
        });
        expect([400, 404], response.text).toContain(response.status);
        expect(isJsonRpcErrorBody(response), response.text).toBe(true);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it("POST /messages in a live SSE session: refused with a JSON-RPC error or answered on the stream", async () => {
    const session = await openRawSseSession(server.url);
    try {
      await fc.assert(
        fc.asyncProperty(body, async (raw) => {
          cases++;
          const { text, expected } = uniqueIds(raw);
          const response = await session.post(text);
          const problems = answerProblems(response, [], false);
          if (response.status === 202) {
            // Accepted: every request in it is answered on the stream, with a well-formed response.
            for (const id of expected) {
              const answer = await session.response(id).catch((error: Error) => ({ missing: error.message }) as WireMessage);
              const problem = "missing" in answer ? String(answer.missing) : responseProblem(answer);
              if (problem) problems.push(problem);
            }
          } else if (response.status === 200) {
            problems.push("legacy SSE answers on the stream; a POST should get 202 or an error");
          }
          // The plain-text 400 for schema-invalid messages is a known servers/ bug with its own failing
          // test below; tolerated here so the fuzz keeps looking for other problems on this route.
          expect(problems.filter((problem) => !KNOWN_SSE_PLAIN_TEXT_400.test(problem)), text.slice(0, 300)).toEqual([]);
          expect(session.unparsable).toEqual([]);
          expect(session.open(), "the server closed the SSE stream").toBe(true);
          // And the session still serves a normal call right after.
          const normalId = ++idCounter;
          const normal = normalCall(kind, normalId);
          expect((await session.post(normal.body)).status).toBe(202);
          const answer = (await session.response(normalId)) as { result?: { content?: Array<{ text?: string }>; isError?: boolean } };
          expect(answer.result?.isError, JSON.stringify(answer)).not.toBe(true);
          expect((answer.result?.content ?? []).map((block) => block.text).join("\n")).toContain(normal.expect);
        }),
        { numRuns: RUNS },
      );
      // Anything else on the stream must still be a well-formed message (e.g. an error for id null).
      for (const extra of session.unclaimed()) expect(responseProblem(extra) ?? "", JSON.stringify(extra)).toBe("");
    } finally {
      session.close();
    }
  });

  // Bug in servers/shared/http-host.ts (app.post("/messages")): bodies that parse as JSON but are not a
  // valid JSON-RPC message, and bodies that are not application/json, reach the SDK's
  // SSEServerTransport.handlePostMessage, which answers 400 with plain text ("Invalid message: [object
  // Object]", "Error: Unsupported content-type: text/plain"). /mcp answers the same bodies with a
  // JSON-RPC error, as STYLE.md asks of every HTTP handler.
  it.each([
    ["wrong jsonrpc version", "application/json", '{"jsonrpc":"1.0","id":1,"method":"tools/list"}'],
    ["a batch", "application/json", '[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]'],
    ["a non-JSON content type", "text/plain", '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'],
  ])("POST /messages refuses %s with a JSON-RPC error body", async (_label, contentType, text) => {
    const session = await openRawSseSession(server.url);
    try {
      const response = await session.post(text, { "content-type": contentType });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(isJsonRpcErrorBody(response), `${response.status} ${String(response.headers["content-type"])}: ${response.text}`).toBe(true);
    } finally {
      session.close();
    }
  });

  it("POST /messages with a wrong or missing sessionId is refused with a JSON-RPC error", async () => {
    const sse = await openRawSseSession(server.url);
    sse.close();
    // The server learns of the closed stream asynchronously; from then on the id must be dead.
    await expect
      .poll(async () => (await rawRequest(sse.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status, { timeout: 10_000 })
      .toBe(404);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uuid(), fc.string({ maxLength: 60 }), fc.constant(undefined)), async (sessionId) => {
        cases++;
        const query = sessionId === undefined ? "" : `?sessionId=${encodeURIComponent(sessionId)}`;
        const response = await rawRequest(`${server.url}/messages${query}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
        });
        expect([400, 404], response.text).toContain(response.status);
        expect(isJsonRpcErrorBody(response), response.text).toBe(true);
      }),
      // The closed session's own id is among the examples: a session that ended is gone.
      { numRuns: RUNS / 2, examples: [[sse.sessionId]] },
    );
  });

  it("still serves both transports, the process is alive, and nothing went unhandled", async () => {
    await assertServes(server.url, "http", kind);
    await assertServes(server.url, "sse", kind);
    const health = await rawRequest(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const state = await Promise.race([server.exited.then((code) => `exited ${code}`), Promise.resolve("running")]);
    expect(state, server.output()).toBe("running");
    expect(guard.seen, describeSeen(guard)).toEqual([]);
  });
});
