import { describe, expect, it } from "vitest";
import type { ToolInfo } from "../../adapters/index.js";
import { parseRouteOutput } from "./parse.js";

const TOOLS: ToolInfo[] = [
  {
    server: "math",
    name: "add",
    bridgedName: "math__add",
    description: "Add two integers.",
    inputSchema: {
      type: "object",
      properties: { a: { type: "integer" }, b: { type: "integer" } },
      required: ["a", "b"],
      additionalProperties: false,
    },
  },
  {
    server: "weather",
    name: "get_weather",
    bridgedName: "weather__get_weather",
    description: "Weather for a city.",
    inputSchema: {
      type: "object",
      properties: {
        city: { type: "string", minLength: 1 },
        units: { type: "string", enum: ["metric", "imperial"] },
        note: { type: ["string", "null"] },
        options: { type: "object", properties: { hourly: { type: "boolean" } }, additionalProperties: false },
      },
      required: ["city"],
      additionalProperties: false,
    },
  },
];

const call = (tool: string, args: unknown) => ({ reason: "because", decision: { action: "call_tool", tool, args } });

describe("parseRouteOutput", () => {
  it("accepts a valid call, answer and ask", () => {
    expect(parseRouteOutput(call("math__add", { a: 2, b: 3 }), TOOLS)).toEqual({ ok: true, value: call("math__add", { a: 2, b: 3 }) });
    expect(parseRouteOutput({ reason: "none fits", decision: { action: "answer", answer: "No tool can help." } }, TOOLS).ok).toBe(true);
    expect(parseRouteOutput({ reason: "no city", decision: { action: "ask", question: "Which city?" } }, TOOLS).ok).toBe(true);
  });

  it("drops the nulls strict mode sends for unused optional parameters, keeping nulls the tool accepts", () => {
    const result = parseRouteOutput(call("weather__get_weather", { city: "Berlin", units: null, note: null, options: { hourly: null } }), TOOLS);
    expect(result).toEqual({ ok: true, value: call("weather__get_weather", { city: "Berlin", note: null, options: {} }) });
  });

  it("rejects a wrong shape with the path that is wrong", () => {
    const noReason = parseRouteOutput({ decision: { action: "answer", answer: "x" } }, TOOLS);
    expect(noReason.ok).toBe(false);
    if (!noReason.ok) expect(noReason.error).toContain("reason");

    const badAction = parseRouteOutput({ reason: "r", decision: { action: "call", tool: "math__add", args: {} } }, TOOLS);
    expect(badAction.ok).toBe(false);
    if (!badAction.ok) expect(badAction.error).toMatch(/"call".*"call_tool", "answer", "ask"/);

    const emptyAnswer = parseRouteOutput({ reason: "r", decision: { action: "answer", answer: "" } }, TOOLS);
    expect(emptyAnswer.ok).toBe(false);
  });

  it("names the available tools when the route calls one that does not exist", () => {
    const result = parseRouteOutput(call("math__divide", { a: 1, b: 2 }), TOOLS);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain('"math__divide"');
      expect(result.error).toContain("math__add, weather__get_weather");
    }
  });

  it("checks arguments against the tool's own schema and says what it expects", () => {
    const wrongType = parseRouteOutput(call("math__add", { a: 2.5, b: "3" }), TOOLS);
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) {
      expect(wrongType.error).toMatch(/\ba\b/);
      expect(wrongType.error).toMatch(/\bb\b/);
      expect(wrongType.error).toContain("{ a: integer (required), b: integer (required) }");
    }

    const missing = parseRouteOutput(call("math__add", { a: 2 }), TOOLS);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toContain('"b"');

    const extra = parseRouteOutput(call("math__add", { a: 2, b: 3, c: 4 }), TOOLS);
    expect(extra.ok).toBe(false);

    const constraint = parseRouteOutput(call("weather__get_weather", { city: "", units: "kelvin" }), TOOLS);
    expect(constraint.ok).toBe(false);
    if (!constraint.ok) expect(constraint.error).toContain("units");
  });

  it("never throws on garbage", () => {
    for (const raw of [undefined, null, 42, "route", [], { decision: null }, { reason: 1, decision: { action: "call_tool" } }]) {
      expect(parseRouteOutput(raw, TOOLS).ok).toBe(false);
    }
  });
});
