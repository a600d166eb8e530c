import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_TIMEOUT_MS, spawnServer, type ChildServer } from "../support/server-process.js";
import { describeSeen, installProcessGuard, within } from "../support/process-guard.js";
import { assertServes, connectClient, textOf, type WireTransport } from "../support/sdk-client.js";
import { recordFigure } from "../support/figures.js";

// Runs per property and transport; the servers answer in about a millisecond, so these stay fast.
const RUNS = 150;
const ONE_MB = 1 << 20;

/** Values a model (or an attacker) might put where an integer or a city belongs. */
const nanLike = fc.constantFrom("NaN", "Infinity", "-Infinity", "1e309", "-0", "0x10", "1_000", " 12 ", "", "null", "9007199254740993");
const hugeNumber = fc.oneof(
  fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 5e-324, -0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const nested = fc.integer({ min: 1, max: 300 }).map((depth) => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { a: value };
  return value;
});
const anyValue = fc.oneof(
  { weight: 3, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.maxSafeInteger() },
  { weight: 2, arbitrary: hugeNumber },
  { weight: 2, arbitrary: nanLike },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.object({ maxDepth: 2 }) },
  { weight: 1, arbitrary: nested },
);
/** Missing keys are part of the fuzz: `requiredKeys: []`. */
const mathArgs = fc.record({ a: anyValue, b: anyValue }, { requiredKeys: [] });
const cityValue = fc.oneof(
  fc.constantFrom("Berlin", "São Paulo", "Ho Chi Minh City", "N'Djamena", "Zürich", "東京"),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ minLength: 10_240, maxLength: 10_300 }),
  anyValue,
);
const weatherArgs = fc.record({ city: cityValue }, { requiredKeys: [] });
const extraKeys = fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 4 });

/** The value as sent over JSON (what the server actually receives). */
const overJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** Outcome of one fuzzed call: a result, or a JSON-RPC error; anything else fails the property. */
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult | McpError> {
  try {
    return (await within(10_000, client.callTool({ name, arguments: args }, undefined, { timeout: 8_000 }), `${name} call`)) as CallToolResult;
  } catch (error) {
    if (error instanceof McpError && error.code !== -32001 /* request timeout */) return error;
    throw error;
  }
}

describe("fuzzed tools/call arguments against the real servers", { timeout: PROCESS_TIMEOUT_MS }, () => {
  const guard = installProcessGuard();
  const servers: Partial<Record<"math" | "weather", ChildServer>> = {};
  let cases = 0;

  beforeAll(async () => {
    [servers.math, servers.weather] = await Promise.all([spawnServer("math"), spawnServer("weather")]);
  }, PROCESS_TIMEOUT_MS);
  afterAll(async () => {
    guard.dispose();
    await Promise.all(Object.values(servers).map((server) => server?.stop()));
    recordFigure("fuzz.toolArguments.cases", cases);
  }, PROCESS_TIMEOUT_MS);

  describe.each<WireTransport>(["http", "sse"])("over %s", (transport) => {
    it("math: exact answer for safe integers, isError for everything else, never a crash", async () => {
      const math = servers.math!;
      const client = await connectClient(math.url, transport);
      try {
        await fc.assert(
          fc.asyncProperty(fc.constantFrom("add", "multiply"), mathArgs, async (tool, args) => {
            cases++;
            const outcome = await call(client, tool, args);
            expect(outcome, "a well-formed tool call gets a result, not a protocol error").not.toBeInstanceOf(McpError);
            const result = outcome as CallToolResult;
            const a = overJson(args.a);
            const b = overJson(args.b);
            if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
              const exact = tool === "add" ? BigInt(a as number) + BigInt(b as number) : BigInt(a as number) * BigInt(b as number);
              expect(result.isError, textOf(result)).not.toBe(true);
              expect(textOf(result)).toBe(exact.toString());
            } else {
              expect(result.isError, `accepted ${JSON.stringify(args).slice(0, 200)}: ${textOf(result)}`).toBe(true);
              expect(textOf(result).length).toBeGreaterThan(0);
            }
          }),
          { numRuns: RUNS },
        );
        // Unknown keys beside valid ones: whatever the server decides, it is an answer, not a crash.
        await fc.assert(
          fc.asyncProperty(mathArgs, extraKeys, async (args, extra) => {
            cases++;
            const outcome = await call(client, "multiply", { ...extra, ...args });
            if (outcome instanceof McpError) throw outcome;
            expect(Array.isArray(outcome.content)).toBe(true);
          }),
          { numRuns: RUNS / 3 },
        );
      } finally {
        await client.close();
      }
      await assertServes(math.url, transport, "math");
    });

    it("weather: deterministic report for a plain city name, isError for bad input", async () => {
      const weather = servers.weather!;
      const client = await connectClient(weather.url, transport);
      try {
        await fc.assert(
          fc.asyncProperty(weatherArgs, async (args) => {
            cases++;
            const outcome = await call(client, "get_weather", args);
            expect(outcome).not.toBeInstanceOf(McpError);
            const result = outcome as CallToolResult;
            const city = overJson(args.city);
            if (typeof city === "string" && /^\p{L}(?:[\p{L} .'-]{0,40}\p{L})?$/u.test(city)) {
              expect(result.isError, textOf(result)).not.toBe(true);
              expect(textOf(result).toLowerCase()).toContain(city.toLowerCase());
              const again = (await call(client, "get_weather", args)) as CallToolResult;
              expect(textOf(again)).toBe(textOf(result));
            } else if (typeof city !== "string" || city.trim() === "" || city.trim().length > 10_000 || /\p{Cc}/u.test(city.trim())) {
              // Surrounding whitespace (tabs and newlines included) is trimmed by design, so only what remains counts.
              expect(result.isError, `accepted ${JSON.stringify(args).slice(0, 200)}: ${textOf(result)}`).toBe(true);
            }
          }),
          { numRuns: RUNS },
        );
      } finally {
        await client.close();
      }
      await assertServes(weather.url, transport, "weather");
    });

    it("1 MB strings are refused (isError or 413) and the session keeps working", async () => {
      const huge = "9".repeat(ONE_MB);
      for (const [kind, tool, args] of [
        ["math", "multiply", { a: huge, b: 2 }],
        ["math", "add", { a: 1, b: { nested: huge } }],
        ["weather", "get_weather", { city: huge }],
      ] as const) {
        cases++;
        const server = servers[kind]!;
        const client = await connectClient(server.url, transport);
        try {
          const outcome = await call(client, tool, args).catch((error: unknown) => error);
          if (outcome instanceof Error && !(outcome instanceof McpError)) {
            // The SDK transport surfaces the HTTP refusal as a StreamableHTTPError carrying the status.
            expect((outcome as Error & { code?: number }).code ?? outcome.message, outcome.message).toSatisfy(
              (code: unknown) => code === 413 || /413|Payload Too Large/.test(String(code)),
            );
          } else if (outcome instanceof McpError) {
            throw outcome;
          } else {
            expect((outcome as CallToolResult).isError).toBe(true);
          }
        } finally {
          await client.close();
        }
        await assertServes(server.url, transport, kind);
      }
    });
  });

  it("no unhandled rejection in the test process, and both servers are still alive", async () => {
    expect(guard.seen, describeSeen(guard)).toEqual([]);
    for (const server of Object.values(servers)) {
      const state = await Promise.race([server!.exited.then((code) => `exited ${code}`), Promise.resolve("running")]);
      expect(state, server!.output()).toBe("running");
    }
  });
});
