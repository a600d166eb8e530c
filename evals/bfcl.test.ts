import { describe, expect, it } from "vitest";
import { bfclCallMatches, bfclString } from "./bfcl.js";

const schema = {
  type: "object",
  properties: {
    city: { type: "string" },
    count: { type: "integer" },
    rate: { type: "number" },
    loud: { type: "boolean" },
    tags: { type: "array", items: { type: "string" } },
    values: { type: "array", items: { type: "number" } },
    note: { type: "string" },
    cc: { type: "string" },
    filter: { type: "object", properties: { kind: { type: "string" }, size: { type: "integer" } } },
  },
  required: ["city", "count"],
};
const accepted = {
  tool: "t",
  args: {
    city: ["New York, NY", "NYC"],
    count: [3],
    rate: [2.0, ""],
    loud: [true, ""],
    tags: [["a", "b"], ""],
    values: [[1.5, 2.0], ""],
    note: ["", "x"],
    cc: [""],
    filter: ["", { kind: ["big"], size: ["", 4] }],
  },
};
const matches = (args: Record<string, unknown>, tool = "t") => bfclCallMatches(accepted, schema, { tool, args });

describe("the BFCL AST rules", () => {
  it("normalises strings: case, spaces and ,./-_*^ go, single quotes become double", () => {
    expect(bfclString("April 1, 2024")).toBe(bfclString("april 1 2024"));
    expect(bfclString("2022/08/16")).not.toBe(bfclString("08-16-2022"));
    expect(bfclString("it's")).toBe('it"s');
    expect(matches({ city: "new york ny", count: 3 })).toBe(true);
  });

  it("needs the name and every required parameter", () => {
    expect(matches({ city: "NYC", count: 3 }, "u")).toBe(false);
    expect(matches({ city: "NYC" })).toBe(false);
  });

  it("compares numbers by value, an integer for a float but not a float for an integer", () => {
    expect(matches({ city: "NYC", count: 3, rate: 2 })).toBe(true);
    expect(matches({ city: "NYC", count: 3.5 })).toBe(false);
    expect(matches({ city: "NYC", count: "3" })).toBe(false);
  });

  it('lets a parameter whose list holds "" be omitted, and one of exactly [""] must be', () => {
    expect(matches({ city: "NYC", count: 3 })).toBe(true);
    expect(matches({ city: "NYC", count: 3, cc: "a@b.c" })).toBe(false);
    expect(matches({ city: "NYC", count: 3, note: "" })).toBe(false);
  });

  it("compares lists element by element and in order", () => {
    expect(matches({ city: "NYC", count: 3, tags: ["A", "b"] })).toBe(true);
    expect(matches({ city: "NYC", count: 3, tags: ["b", "a"] })).toBe(false);
    expect(matches({ city: "NYC", count: 3, values: [1.5, 2] })).toBe(true);
  });

  it("unwraps a dict parameter one level: each key has its own accepted list", () => {
    expect(matches({ city: "NYC", count: 3, filter: { kind: "Big" } })).toBe(true);
    expect(matches({ city: "NYC", count: 3, filter: { kind: "big", size: 4 } })).toBe(true);
    expect(matches({ city: "NYC", count: 3, filter: { kind: "big", colour: "red" } })).toBe(false);
    expect(matches({ city: "NYC", count: 3, filter: { size: 4 } })).toBe(false);
  });

  it("fails a parameter the schema or the answer does not know", () => {
    expect(matches({ city: "NYC", count: 3, extra: 1 })).toBe(false);
  });
});
