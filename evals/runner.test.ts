import { describe, expect, it } from "vitest";
import { parseDataset } from "./dataset.js";
import { runItems, type AnsweredState } from "./runner.js";

const items = parseDataset(
  [
    '{"id":"a","question":"add 1 and 2","expected":{"tool":"add","args":{"a":1,"b":2}},"answer":3}',
    '{"id":"b","question":"hello","expected":null}',
    '{"id":"c","question":"boom","expected":null}',
    '{"id":"d","question":"add 2 and 2","expected":{"tool":"add","args":{"a":2,"b":2}}}',
  ].join("\n"),
);

const state = (overrides: Partial<AnsweredState>): AnsweredState => ({ answer: "", calls: [], ...overrides });

describe("runItems", () => {
  it("keeps dataset order, bounds concurrency and turns a throw into an item error", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const finished: string[] = [];
    const delays: Record<string, number> = { "add 1 and 2": 30, hello: 5, boom: 1, "add 2 and 2": 1 };
    const results = await runItems(
      items,
      async (question) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, delays[question]));
        inFlight -= 1;
        if (question === "boom") throw new TypeError("graph exploded");
        if (question === "hello") return state({ answer: "Hi!", decision: { reason: "greeting" } });
        return state({
          answer: "3",
          calls: [{ server: "math", tool: "add", args: { a: 1, b: 2 }, result: "3", isError: false }],
          usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        });
      },
      { concurrency: 2, onResult: (r) => finished.push(r.item.id) },
    );
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => r.item.id)).toEqual(["a", "b", "c", "d"]);
    expect(finished[0]).not.toBe("a");
    expect(finished).toHaveLength(4);

    const [a, b, c, d] = results;
    expect(a?.score).toMatchObject({ call: true, answer: true, ok: true });
    expect(a?.outcome.usage).toEqual({ inputTokens: 10, outputTokens: 5, totalTokens: 15 });
    expect(a?.outcome.latencyMs).toBeGreaterThanOrEqual(25);
    expect(b).toMatchObject({ reason: "greeting", score: { call: true, ok: true } });
    expect(c?.outcome.error).toBe("TypeError: graph exploded");
    expect(c?.score).toMatchObject({ call: false, ok: false, chosenTool: "error" });
    expect(d?.score).toMatchObject({ tool: true, call: false });
  });

  it("runs a dialogue's turns one after another on one thread, and every other question on its own", async () => {
    const dataset = parseDataset(
      [
        '{"id":"q","question":"alone","expected":null}',
        '{"id":"d","turns":[{"user":"first","expected":null},{"user":"second","expected":null},{"user":"third","expected":null}]}',
        '{"id":"e","turns":[{"user":"other","expected":null},{"user":"again","expected":null}]}',
      ].join("\n"),
    );
    const seen: Array<{ question: string; threadId: string }> = [];
    const delays: Record<string, number> = { first: 20, second: 1, third: 1, other: 1, again: 1, alone: 5 };
    const results = await runItems(
      dataset,
      async (question, { threadId }) => {
        seen.push({ question, threadId });
        await new Promise((r) => setTimeout(r, delays[question]));
        return state({ answer: question });
      },
      { concurrency: 3 },
    );
    expect(results.map((r) => r.item.id)).toEqual(["q", "d#1", "d#2", "d#3", "e#1", "e#2"]);
    const order = (q: string) => seen.findIndex((s) => s.question === q);
    expect(order("first")).toBeLessThan(order("second"));
    expect(order("second")).toBeLessThan(order("third"));
    const thread = (q: string) => seen.find((s) => s.question === q)!.threadId;
    expect(new Set(["first", "second", "third"].map(thread)).size).toBe(1);
    expect(thread("other")).toBe(thread("again"));
    expect(new Set([thread("alone"), thread("first"), thread("other")]).size).toBe(3);
  });

  it("treats zero usage as not reported", async () => {
    const [first] = await runItems(items.slice(0, 1), async () => state({ usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } }), {
      concurrency: 4,
    });
    expect(first?.outcome.usage).toBeUndefined();
  });
});
