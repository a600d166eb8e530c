import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BridgedNames, MAX_TOOL_NAME_LENGTH, candidateName } from "./naming.js";

const VALID = /^[A-Za-z0-9_-]{1,64}$/;

describe("bridged tool names", () => {
  it("are server__tool when both parts are already safe", () => {
    expect(candidateName("math", "multiply")).toBe("math__multiply");
    expect(candidateName("my-server_2", "get-sum")).toBe("my-server_2__get-sum");
  });

  it("sanitise, shorten and disambiguate the rest", () => {
    const dotted = candidateName("weather", "get.forecast");
    expect(dotted).toMatch(/^weather__get_forecast_[0-9a-f]{8}$/);
    expect(dotted).not.toBe(candidateName("weather", "get_forecast"));

    const long = candidateName("a-rather-long-server-name", "and_an_even_longer_tool_name_that_goes_on_and_on");
    expect(long).toHaveLength(MAX_TOOL_NAME_LENGTH);
    expect(long).toMatch(VALID);

    // Server names that would make the first "__" ambiguous are hashed.
    expect(candidateName("a__b", "c")).not.toBe(candidateName("a", "b__c"));
    expect(candidateName("a_", "_b")).not.toBe(candidateName("a", "__b"));
  });

  it("map back to the pair and stay the same for the life of the registry", () => {
    const names = new BridgedNames();
    const first = names.assign("math", "add");
    names.assign("weather", "add");
    expect(names.assign("math", "add")).toBe(first);
    expect(names.resolve(first)).toEqual({ server: "math", tool: "add" });
    expect(names.resolve("weather__add")).toEqual({ server: "weather", tool: "add" });
    expect(names.resolve("nobody__add")).toBeUndefined();
  });

  it("are valid and unique for any pairs (property)", () => {
    const part = fc.string({ minLength: 1, maxLength: 80, unit: fc.constantFrom("a", "b", "_", "-", ".", " ", "é", "Z", "9") });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(part, part), { selector: ([server, tool]) => `${server}\u0000${tool}`, maxLength: 40 }), (pairs) => {
        const names = new BridgedNames();
        const assigned = pairs.map(([server, tool]) => names.assign(server, tool));
        expect(new Set(assigned).size).toBe(pairs.length);
        for (const [i, name] of assigned.entries()) {
          expect(name).toMatch(VALID);
          const [server, tool] = pairs[i] ?? [];
          expect(names.resolve(name)).toEqual({ server, tool });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("stay unique when a hash collides with a plain name", () => {
    const names = new BridgedNames();
    const hashed = candidateName("x.y", "t");
    const [server, tool] = hashed.split(/__(.*)/s);
    // A second server whose plain name equals the first pair's hashed name gets a suffix instead.
    const first = names.assign("x.y", "t");
    const second = names.assign(server ?? "", tool ?? "");
    expect(first).toBe(hashed);
    expect(second).not.toBe(first);
    expect(names.resolve(second)).toEqual({ server, tool });
  });
});
