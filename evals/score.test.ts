import { describe, expect, it } from "vitest";
import type { EvalItem, ExpectedCall } from "./dataset.js";
import {
  answerAppears,
  callMatches,
  confusionMatrix,
  numbersIn,
  percentile,
  scoreItem,
  sequenceMatches,
  summarize,
  summarizeByCategory,
  sumUsage,
  toolMatches,
  valuesEqual,
  type ItemOutcome,
  type ItemResult,
  type ObservedCall,
} from "./score.js";

const call = (server: string, tool: string, args: Record<string, unknown>, isError = false): ObservedCall => ({
  server,
  tool,
  args,
  isError,
});
const expect_ = (tool: string, args: Record<string, unknown> = {}, server?: string): ExpectedCall => ({
  tool,
  args,
  ...(server === undefined ? {} : { server }),
});
const item = (overrides: Partial<EvalItem> = {}): EvalItem => ({
  id: "x",
  question: "q",
  category: "c",
  expected: null,
  line: 1,
  ...overrides,
});
const outcome = (overrides: Partial<ItemOutcome> = {}): ItemOutcome => ({
  calls: [],
  answer: "",
  latencyMs: 1,
  ...overrides,
});
const result = (i: EvalItem, o: ItemOutcome): ItemResult => ({ item: i, outcome: o, score: scoreItem(i, o) });

describe("valuesEqual", () => {
  it("compares numbers by value, including bigints", () => {
    expect(valuesEqual(5, 5.0)).toBe(true);
    expect(valuesEqual(5, 6)).toBe(false);
    expect(valuesEqual(4611686018427387904, 4611686018427387904n)).toBe(true);
    expect(valuesEqual(0, -0)).toBe(true);
  });

  it("does not let a numeric string stand in for a number, or the reverse", () => {
    expect(valuesEqual(5, "5")).toBe(false);
    expect(valuesEqual("5", 5)).toBe(false);
  });

  it("compares strings trimmed and case-insensitively, in one Unicode form", () => {
    expect(valuesEqual("Berlin", "  berlin ")).toBe(true);
    expect(valuesEqual("NEW YORK", "new york")).toBe(true);
    expect(valuesEqual("São Paulo", "Sa\u0303o Paulo")).toBe(true);
    expect(valuesEqual("Berlin", "Bern")).toBe(false);
    expect(valuesEqual("New York", "New  York")).toBe(false);
  });

  it("compares arrays and nested objects with the same rules", () => {
    expect(valuesEqual([1, "A"], [1.0, "a"])).toBe(true);
    expect(valuesEqual([1, 2], [2, 1])).toBe(false);
    expect(valuesEqual({ x: { y: "Q" } }, { x: { y: "q" } })).toBe(true);
    expect(valuesEqual({ x: 1 }, { x: 1, y: 2 })).toBe(false);
    expect(valuesEqual(true, true)).toBe(true);
    expect(valuesEqual(null, undefined)).toBe(false);
  });
});

describe("toolMatches / callMatches", () => {
  it("needs the bare tool name, and the server only when the expectation names one", () => {
    expect(toolMatches(expect_("add"), call("math", "add", {}))).toBe(true);
    expect(toolMatches(expect_("add", {}, "math"), call("math", "add", {}))).toBe(true);
    expect(toolMatches(expect_("add", {}, "other"), call("math", "add", {}))).toBe(false);
    expect(toolMatches(expect_("add"), call("math", "multiply", {}))).toBe(false);
    expect(toolMatches(expect_("math__add"), call("math", "add", {}))).toBe(false);
  });

  it("checks every expected argument and ignores the others", () => {
    const expected = expect_("get_weather", { city: "Paris" });
    expect(callMatches(expected, call("weather", "get_weather", { city: " paris", units: "metric" }))).toBe(true);
    expect(callMatches(expected, call("weather", "get_weather", { city: "Lyon" }))).toBe(false);
    expect(callMatches(expected, call("weather", "get_weather", {}))).toBe(false);
    expect(callMatches(expect_("add", { a: 5, b: 24 }), call("math", "add", { a: 5, b: 24 }))).toBe(true);
    expect(callMatches(expect_("add", { a: 5, b: 24 }), call("math", "add", { a: 24, b: 5 }))).toBe(false);
  });

  it("accepts any arguments when the expectation names none", () => {
    expect(callMatches(expect_("add"), call("math", "add", { a: 1e30, b: 1 }))).toBe(true);
  });

  it("does not mistake an inherited property for an argument", () => {
    expect(callMatches(expect_("t", { toString: "x" }), call("s", "t", {}))).toBe(false);
  });
});

describe("numbersIn / answerAppears", () => {
  it("reads thousands separators and decimals in several conventions", () => {
    expect(answerAppears(1200, "The total is 1,200 hours.")).toBe(true);
    expect(answerAppears(1200, "Das sind 1.200 Stunden.")).toBe(true);
    expect(answerAppears(1200, "Cela fait 1\u202f200 heures.")).toBe(true);
    expect(answerAppears(1200, "That is 1 200.")).toBe(true);
    expect(answerAppears(1200, "1200.0")).toBe(true);
    expect(answerAppears(1200.5, "1,200.50 in total")).toBe(true);
    expect(answerAppears(2.5, "2,5 Stunden")).toBe(true);
    expect(answerAppears(1048576, "1'048'576")).toBe(true);
  });

  it("does not find a number inside a longer one", () => {
    expect(answerAppears(120, "5 days have 1200 hours")).toBe(false);
    expect(answerAppears(200, "The total is 1,200.")).toBe(false);
    expect(answerAppears(12, "It is 112.")).toBe(false);
    expect(answerAppears(19, "COVID-19")).toBe(true);
    expect(answerAppears(-19, "COVID-19")).toBe(false);
  });

  it("finds the number at any position and with either minus sign", () => {
    expect(answerAppears(120, "120 hours")).toBe(true);
    expect(answerAppears(120, "5 days have 120 hours.")).toBe(true);
    expect(answerAppears(-3000000, "The product is −3,000,000.")).toBe(true);
    expect(answerAppears(28, "-12 + 40 = 28")).toBe(true);
    expect(answerAppears(3, "It is -3.")).toBe(false);
  });

  it("keeps every digit of integers past 2^53", () => {
    expect(answerAppears("121932631136585886175176", "The product is 121,932,631,136,585,886,175,176.")).toBe(true);
    expect(answerAppears("121932631136585886175176", "The product is 121932631136585890000000.")).toBe(false);
    expect(answerAppears(4611686018427387904, "4611686018427387904")).toBe(true);
  });

  it("splits digits that are not a grouped number into separate numbers", () => {
    expect([...numbersIn("add 3 4 and 5,6,7")].sort()).toEqual(["3", "4", "5", "6", "7"]);
    expect(numbersIn("on 2023-04-05")).toEqual(new Set(["2023", "4", "5"]));
  });

  it("treats a numeric string answer like a number and other strings as text", () => {
    expect(answerAppears("1,200", "1200 in all")).toBe(true);
    expect(answerAppears("Berlin", "Simulated weather for BERLIN: sunny")).toBe(true);
    expect(answerAppears("Berlin", "Weather for Paris")).toBe(false);
  });

  it("fails when the text has no number", () => {
    expect(answerAppears(0, "No tool can help with that.")).toBe(false);
  });
});

describe("sequenceMatches", () => {
  const add34 = [expect_("add", { a: 3, b: 4 }), expect_("add", { a: 4, b: 3 })];
  const mul75 = [expect_("multiply", { a: 7, b: 5 }), expect_("multiply", { a: 5, b: 7 })];

  it("pairs each call with one step, in any order", () => {
    const calls = [call("math", "add", { a: 4, b: 3 }), call("math", "multiply", { a: 7, b: 5 })];
    expect(sequenceMatches([add34, mul75], calls)).toBe(true);
    expect(sequenceMatches([add34, mul75], [...calls].reverse())).toBe(true);
  });

  it("fails on a missing, extra or wrong call", () => {
    expect(sequenceMatches([add34, mul75], [call("math", "add", { a: 3, b: 4 })])).toBe(false);
    expect(
      sequenceMatches(
        [add34],
        [call("math", "add", { a: 3, b: 4 }), call("math", "add", { a: 3, b: 4 })],
      ),
    ).toBe(false);
    expect(
      sequenceMatches([add34, mul75], [call("math", "add", { a: 3, b: 4 }), call("math", "multiply", { a: 7, b: 6 })]),
    ).toBe(false);
  });

  it("does not let one call satisfy two steps", () => {
    const anyAdd = [expect_("add")];
    expect(sequenceMatches([anyAdd, add34], [call("math", "add", { a: 3, b: 4 }), call("math", "multiply", {})])).toBe(
      false,
    );
    // Needs backtracking: the first call fits both steps, the second only the first step.
    expect(sequenceMatches([anyAdd, add34], [call("math", "add", { a: 3, b: 4 }), call("math", "add", { a: 1, b: 1 })])).toBe(
      true,
    );
  });
});

describe("scoreItem", () => {
  it("says whether the first call was exact, wrong or not made", () => {
    const expected = [expect_("add", { a: 1, b: 2 })];
    expect(scoreItem(item({ expected }), outcome({ calls: [call("m", "add", { a: 1, b: 2 })] })).made).toBe("exact");
    expect(scoreItem(item({ expected }), outcome({ calls: [call("m", "add", { a: 2, b: 2 })] })).made).toBe("wrong");
    expect(scoreItem(item({ expected }), outcome()).made).toBe("none");
    // Any call for a question that wants none is a wrong one.
    expect(scoreItem(item(), outcome({ calls: [call("m", "add", { a: 1, b: 2 })] })).made).toBe("wrong");
  });

  const hours = item({
    expected: [expect_("multiply", { a: 5, b: 24 }, "math"), expect_("multiply", { a: 24, b: 5 }, "math")],
    answer: 120,
  });

  it("passes the right call with the answer in the text", () => {
    const s = scoreItem(hours, outcome({ calls: [call("math", "multiply", { a: 24, b: 5 })], answer: "5 days have 120 hours." }));
    expect(s).toMatchObject({ tool: true, call: true, answer: true, sequence: null, abstain: null, ok: true });
    expect(s).toMatchObject({ expectedTool: "multiply", chosenTool: "multiply" });
  });

  it("separates a right tool with wrong arguments from a wrong tool", () => {
    const wrongArgs = scoreItem(hours, outcome({ calls: [call("math", "multiply", { a: 5, b: 60 })], answer: "300" }));
    expect(wrongArgs).toMatchObject({ tool: true, call: false, answer: false, ok: false });
    const wrongTool = scoreItem(hours, outcome({ calls: [call("math", "add", { a: 5, b: 24 })], answer: "29" }));
    expect(wrongTool).toMatchObject({ tool: false, call: false, expectedTool: "multiply", chosenTool: "add" });
  });

  it("fails on a right call when the answer lacks the number", () => {
    const s = scoreItem(hours, outcome({ calls: [call("math", "multiply", { a: 5, b: 24 })], answer: "The tool failed." }));
    expect(s).toMatchObject({ call: true, answer: false, ok: false });
  });

  it("only looks at the first call for call accuracy", () => {
    const s = scoreItem(
      hours,
      outcome({ calls: [call("math", "add", { a: 1, b: 1 }), call("math", "multiply", { a: 5, b: 24 })], answer: "120" }),
    );
    expect(s.call).toBe(false);
  });

  it("counts an abstention as correct only when no tool was called", () => {
    const none = item({ expected: null });
    expect(scoreItem(none, outcome({ answer: "No tool can help." }))).toMatchObject({
      tool: true,
      call: true,
      abstain: true,
      ok: true,
      expectedTool: "none",
      chosenTool: "none",
    });
    expect(scoreItem(none, outcome({ calls: [call("weather", "get_weather", { city: "Boston" })] }))).toMatchObject({
      call: false,
      abstain: false,
      ok: false,
      chosenTool: "get_weather",
    });
  });

  it("counts a missed call as expected-tool vs none", () => {
    expect(scoreItem(hours, outcome({ answer: "I can't." }))).toMatchObject({
      tool: false,
      expectedTool: "multiply",
      chosenTool: "none",
    });
  });

  it("fails every metric when the graph threw, even where no call was expected", () => {
    const s = scoreItem(item({ expected: null, answer: 0 }), outcome({ error: "boom", answer: "0" }));
    expect(s).toMatchObject({ tool: false, call: false, answer: false, abstain: false, ok: false, chosenTool: "error" });
  });

  it("scores the plan of a multi-step item as its own column", () => {
    const multi = item({
      expected: [expect_("add", { a: 3, b: 4 })],
      expectedCalls: [[expect_("add", { a: 3, b: 4 })], [expect_("multiply", { a: 7, b: 5 })]],
      answer: 35,
    });
    const onlyFirst = scoreItem(multi, outcome({ calls: [call("math", "add", { a: 3, b: 4 })], answer: "7" }));
    expect(onlyFirst).toMatchObject({ call: true, sequence: false, answer: false, ok: false });
    const full = scoreItem(
      multi,
      outcome({ calls: [call("math", "add", { a: 3, b: 4 }), call("math", "multiply", { a: 7, b: 5 })], answer: "35" }),
    );
    expect(full).toMatchObject({ call: true, sequence: true, answer: true, ok: true });
  });

  it("counts a call that returned isError as the call the model chose", () => {
    const s = scoreItem(hours, outcome({ calls: [call("math", "multiply", { a: 5, b: 24 }, true)], answer: "120" }));
    expect(s.call).toBe(true);
  });
});

describe("percentile", () => {
  it("uses nearest rank", () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 95)).toBe(4);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
  });
});

describe("summarize / summarizeByCategory / confusionMatrix", () => {
  const add = item({ id: "1", category: "add", expected: [expect_("add", { a: 1, b: 2 })], answer: 3 });
  const wx = item({ id: "2", category: "weather", expected: [expect_("get_weather", { city: "Oslo" })] });
  const none = item({ id: "3", category: "no-tool", expected: null });
  const none2 = item({ id: "4", category: "no-tool", expected: null });
  const results = [
    result(add, outcome({ calls: [call("math", "add", { a: 1, b: 2 })], answer: "3", latencyMs: 10, usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 } })),
    result(wx, outcome({ calls: [call("weather", "get_weather", { city: "Bergen" })], answer: "rain", latencyMs: 20 })),
    result(none, outcome({ answer: "no tool", latencyMs: 30, usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } })),
    result(none2, outcome({ calls: [call("math", "add", { a: 1, b: 1 })], answer: "2", latencyMs: 40 })),
  ];

  it("computes the accuracies over the items each applies to", () => {
    const s = summarize(results);
    expect(s.total).toBe(4);
    expect(s.toolAccuracy).toBe(0.75);
    expect(s.callAccuracy).toBe(0.5);
    expect(s.answerAccuracy).toBe(1);
    expect(s.answerTotal).toBe(1);
    expect(s.abstainAccuracy).toBe(0.5);
    expect(s.abstainTotal).toBe(2);
    expect(s.sequenceAccuracy).toBeNull();
    expect(s.passed).toBe(2);
    expect(s.errors).toBe(0);
    expect(s.p50Ms).toBe(20);
    expect(s.p95Ms).toBe(40);
    expect(s.usage).toEqual({ inputTokens: 6, outputTokens: 3, totalTokens: 9 });
    // Shares of all four items; exact over the two that expect a call (the abstention items cannot be exact).
    expect(s).toMatchObject({ exactRate: 0.25, wrongRate: 0.5, noCallRate: 0.25, exactOfExpected: 0.5, expectedCallTotal: 2 });
  });

  it("has no usage when no item reported any, and zero accuracies for an empty run", () => {
    expect(sumUsage([undefined])).toBeNull();
    expect(summarize([])).toMatchObject({ total: 0, callAccuracy: 0, answerAccuracy: null, p50Ms: 0 });
  });

  it("groups by category", () => {
    const by = summarizeByCategory(results);
    expect(Object.keys(by)).toEqual(["add", "weather", "no-tool"]);
    expect(by["weather"]).toMatchObject({ total: 1, toolAccuracy: 1, callAccuracy: 0 });
    expect(by["no-tool"]).toMatchObject({ total: 2, callAccuracy: 0.5, answerAccuracy: null });
  });

  it("counts expected against chosen tools with none last", () => {
    const m = confusionMatrix(results);
    expect(m.expected).toEqual(["add", "get_weather", "none"]);
    expect(m.chosen).toEqual(["add", "get_weather", "none"]);
    expect(m.counts["none"]).toEqual({ none: 1, add: 1 });
    expect(m.counts["get_weather"]).toEqual({ get_weather: 1 });
  });
});
