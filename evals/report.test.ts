import { describe, expect, it } from "vitest";
import { parseDataset } from "./dataset.js";
import { exampleFor, feedbackFor, langsmithEnabled, langsmithDatasetName } from "./langsmith.js";
import { Progress } from "./progress.js";
import { buildReport, clip, formatCalls, formatConsoleReport, formatExpected, formatMarkdownReport, percent, type RunResult } from "./report.js";
import { scoreItem, type ItemOutcome } from "./score.js";

const items = parseDataset(
  [
    '{"id":"h","category":"article","question":"How many hours do 5 days have?","expected":[{"server":"math","tool":"multiply","args":{"a":5,"b":24}}],"answer":120}',
    '{"id":"w","category":"weather","question":"Weather | in Oslo?","expected":{"tool":"get_weather","args":{"city":"Oslo"}}}',
    '{"id":"n","category":"no-tool","question":"Tell me a joke","expected":null}',
  ].join("\n"),
);

const outcomes: ItemOutcome[] = [
  { calls: [{ server: "math", tool: "multiply", args: { a: 5, b: 24 }, isError: false, result: "120" }], answer: "5 days have 120 hours.", latencyMs: 2.345 },
  { calls: [{ server: "weather", tool: "get_weather", args: { city: "Bergen" }, isError: true }], answer: "It failed.", latencyMs: 4 },
  { calls: [], answer: "", latencyMs: 1, error: "Error: boom" },
];
const results: RunResult[] = items.map((item, i) => {
  const outcome = outcomes[i] as ItemOutcome;
  return { item, outcome, score: scoreItem(item, outcome), ...(i === 0 ? { reason: "5 days × 24 hours" } : {}) };
});
const meta = {
  dataset: "d.jsonl",
  model: "offline",
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 1234,
  concurrency: 4,
  servers: { math: { state: "connected", toolCount: 2 } },
};

describe("buildReport", () => {
  const report = buildReport(results, meta);

  it("has the issue's shape: summary, byCategory and items with expected, got, ok, latencyMs, error", () => {
    expect(Object.keys(report.summary)).toEqual(
      expect.arrayContaining(["total", "toolAccuracy", "callAccuracy", "answerAccuracy", "p50Ms", "p95Ms"]),
    );
    expect(Object.keys(report.byCategory)).toEqual(["article", "weather", "no-tool"]);
    const [h, w, n] = report.items;
    expect(h).toMatchObject({
      id: "h",
      category: "article",
      expected: [{ server: "math", tool: "multiply", args: { a: 5, b: 24 } }],
      expectedAnswer: 120,
      got: { answer: "5 days have 120 hours.", reason: "5 days × 24 hours" },
      ok: true,
      latencyMs: 2.3,
    });
    expect(h).not.toHaveProperty("error");
    expect(w).toMatchObject({ ok: false, scores: { tool: true, call: false, answer: null, sequence: null } });
    expect(n).toMatchObject({ ok: false, error: "Error: boom" });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("prints the category table, the confusion matrix and each failure", () => {
    const text = formatConsoleReport(report);
    expect(text).toMatch(/^article\s+1\s+100\.0%\s+100\.0%\s+100\.0%\s+–/m);
    expect(text).toMatch(/^all\s+3\s+66\.7%\s+33\.3%/m);
    expect(text).toMatch(/^get_weather\s+1\s+0\s+0$/m);
    expect(text).toContain("Failures (2):");
    expect(text).toContain('got:      weather.get_weather {"city":"Bergen"} ✗; answer "It failed."');
    expect(text).toContain("got:      error: Error: boom");
    expect(text).toContain("tokens: not reported by the model");
    expect(text).not.toContain("[h]");
  });

  it("writes Markdown tables with pipes escaped", () => {
    const md = formatMarkdownReport(report, "npm run eval -- --dataset d.jsonl");
    expect(md).toContain("| category | n | tool | call | answer | plan | exact | exact of calls | wrong | no call | p50 ms | p95 ms |");
    expect(md).toContain("| **all** | **3** |");
    expect(md).toContain("Weather \\| in Oslo?");
    expect(md).toContain("## Failures (2)");
    expect(md).toContain("`npm run eval -- --dataset d.jsonl`");
  });
});

describe("a report of dialogues", () => {
  const turns = parseDataset(
    [
      '{"id":"p","category":"new-place","turns":[{"user":"Weather in Oslo?","expected":{"tool":"get_weather","args":{"city":"Oslo"}}},{"user":"And in Bergen?","expected":{"tool":"get_weather","args":{"city":"Bergen"}}}]}',
      '{"id":"r","category":"previous-result","turns":[{"user":"What is 6 times 7?","expected":{"tool":"multiply"},"answer":42},{"user":"double it","expected":{"tool":"multiply","args":{"a":2,"b":42}},"answer":84}]}',
      '{"id":"h","category":"no-history","turns":[{"user":"And in Rome?","expected":null}]}',
    ].join("\n"),
  );
  const weather = (city: string) => ({ server: "weather", tool: "get_weather", args: { city }, isError: false });
  const got: ItemOutcome[] = [
    { calls: [weather("Oslo")], answer: "Oslo: rain", latencyMs: 1 },
    { calls: [weather("Bergen")], answer: "Bergen: sun", latencyMs: 1 },
    { calls: [{ server: "math", tool: "multiply", args: { a: 6, b: 7 }, isError: false }], answer: "42", latencyMs: 1 },
    { calls: [], answer: "Which numbers should I multiply?", latencyMs: 1 },
    { calls: [], answer: "No tool can help.", latencyMs: 1 },
  ];
  const report = buildReport(
    turns.map((item, i) => ({ item, outcome: got[i]!, score: scoreItem(item, got[i]!) })),
    { ...meta, dataset: "c.jsonl" },
  );

  it("scores every turn, each dialogue as a whole, and each position in the dialogues", () => {
    expect(report.summary).toMatchObject({ total: 5, passed: 4, dialogueAccuracy: 2 / 3, dialogueTotal: 3 });
    expect(report.byCategory["previous-result"]).toMatchObject({ total: 2, callAccuracy: 0.5, dialogueAccuracy: 0, dialogueTotal: 1 });
    expect(report.byCategory["new-place"]).toMatchObject({ dialogueAccuracy: 1 });
    expect(Object.keys(report.byTurn ?? {})).toEqual(["turn 1", "turn 2"]);
    expect(report.byTurn?.["turn 2"]).toMatchObject({ total: 2, callAccuracy: 0.5 });
    expect(report.items[3]).toMatchObject({ id: "r#2", dialogue: { id: "r", turn: 2, turns: 2 }, ok: false });
  });

  it("prints the dialogue column, the table per turn, and each failed turn after the turns before it", () => {
    const text = formatConsoleReport(report);
    expect(text).toMatch(/dialogues 66\.7% of 3/);
    expect(text).toMatch(/^previous-result\s+2\s+50\.0%\s+50\.0%\s+50\.0%\s+–\s+50\.0%\s+50\.0%\s+0\.0%\s+50\.0%\s+0\.0% of 1/m);
    expect(text).toMatch(/^turn 2\s+2\s+50\.0%/m);
    expect(text).toContain('[r#2] (previous-result) double it\n    after:    "What is 6 times 7?"');
    const md = formatMarkdownReport(report);
    expect(md).toContain("| category | n | tool | call | answer | plan | exact | exact of calls | wrong | no call | dialogues | p50 ms | p95 ms |");
    expect(md).toContain("## By turn of the dialogue");
    expect(md).toContain('double it (after "What is 6 times 7?")');
  });

  it("leaves the dialogue parts out of a report of questions", () => {
    const plain = buildReport(results, meta);
    expect(plain.byTurn).toBeUndefined();
    expect(plain.summary.dialogueAccuracy).toBeNull();
    expect(formatConsoleReport(plain)).not.toContain("dialogue");
  });
});

describe("formatting helpers", () => {
  it("formats percentages, expectations and calls", () => {
    expect(percent(null)).toBe("–");
    expect(percent(0.9545)).toBe("95.5%");
    expect(formatExpected(null)).toBe("none");
    expect(formatExpected([{ tool: "add", args: { a: 1 } }, { server: "math", tool: "add", args: {} }])).toBe('add {"a":1} | math.add {}');
    expect(formatCalls([])).toBe("none");
  });

  it("clips very long text and says how long it was", () => {
    const clipped = clip("x".repeat(10_000), 50);
    expect(clipped.length).toBeLessThan(80);
    expect(clipped).toContain("(10000 chars)");
    expect(clip("short")).toBe("short");
  });
});

describe("Progress", () => {
  it("redraws one line on a terminal", () => {
    const out: string[] = [];
    const progress = new Progress({ write: (t: string) => out.push(t), isTTY: true, columns: 80 }, 4);
    progress.tick(true);
    progress.tick(false);
    progress.finish();
    expect(out[0]).toMatch(/^\r\[█+░+\] eval: 1\/4 items, 0 failed/);
    expect(out[1]).toContain("2/4 items, 1 failed");
    expect(out.at(-1)).toBe("\n");
  });

  it("writes a line per tenth of the run elsewhere", () => {
    const out: string[] = [];
    const progress = new Progress({ write: (t: string) => out.push(t) }, 25);
    for (let i = 0; i < 25; i++) progress.tick(true);
    progress.finish();
    expect(out.every((line) => line.endsWith("\n") && !line.includes("\r"))).toBe(true);
    expect(out.map((l) => l.match(/(\d+)\/25/)?.[1])).toEqual(["3", "6", "9", "12", "15", "18", "21", "24", "25"]);
  });
});

describe("LangSmith mapping", () => {
  it("is enabled only by a non-empty API key", () => {
    expect(langsmithEnabled({})).toBe(false);
    expect(langsmithEnabled({ LANGSMITH_API_KEY: "  " })).toBe(false);
    expect(langsmithEnabled({ LANGSMITH_API_KEY: "lsv2_x" })).toBe(true);
  });

  it("mirrors a question as an example keyed by its id, a dialogue as one example, and scores as feedback", () => {
    expect(langsmithDatasetName("/a/b/public-dev.jsonl")).toBe("mcp-graph eval: public-dev.jsonl");
    expect(exampleFor([items[0]!])).toEqual({
      inputs: { id: "h", question: "How many hours do 5 days have?" },
      outputs: { expected: [{ server: "math", tool: "multiply", args: { a: 5, b: 24 } }], answer: 120 },
      metadata: { evalId: "h", category: "article" },
    });
    const dialogue = parseDataset(
      '{"id":"d","category":"reply","turns":[{"user":"add 15","expected":null},{"user":"27","expected":{"tool":"add","args":{"a":15,"b":27}},"answer":42}]}',
    );
    expect(exampleFor(dialogue)).toEqual({
      inputs: { id: "d", turns: ["add 15", "27"] },
      outputs: { turns: [{ expected: null }, { expected: [{ tool: "add", args: { a: 15, b: 27 } }], answer: 42 }] },
      metadata: { evalId: "d", category: "reply", dialogue: true, turns: 2 },
    });
    expect(feedbackFor([results[1]!])).toEqual([
      { key: "tool", score: 1 },
      { key: "call", score: 0 },
      { key: "ok", score: 0 },
      { key: "latency_ms", score: 4 },
    ]);
    // Over a dialogue's turns: the share right, ok only when all are, the latencies summed.
    expect(feedbackFor([results[0]!, results[1]!])).toEqual([
      { key: "tool", score: 1 },
      { key: "call", score: 0.5 },
      { key: "answer", score: 1 },
      { key: "ok", score: 0 },
      { key: "latency_ms", score: 6.3 },
    ]);
  });
});
