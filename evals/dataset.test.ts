import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDataset, parseDataset, runGroups, type DatasetError } from "./dataset.js";

const SAMPLE = fileURLToPath(new URL("./datasets/sample.jsonl", import.meta.url));
const CONVERSATIONS = fileURLToPath(new URL("./datasets/conversations.jsonl", import.meta.url));
const CATEGORIES = [
  "article",
  "add",
  "multiply",
  "weather",
  "multi-step",
  "no-tool",
  "missing-argument",
  "adversarial",
  "non-english",
  "typos",
];
const TOOLS: Record<string, string> = { add: "math", multiply: "math", get_weather: "weather" };

function thrown(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (error) {
    if ((error as Error).name === "DatasetError") return error as DatasetError;
    throw error;
  }
  throw new Error("expected a DatasetError");
}

describe("parseDataset", () => {
  it("reads a line that brings its own tool: the tool, the accepted values, its source as category", () => {
    const tool = { name: "find_bakery", description: "Find bakeries.", inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
    const [item] = parseDataset(JSON.stringify({ id: "bfcl-live_simple-x_1", question: "Find a bakery in Porto", tool, expected: { tool: "find_bakery", args: { city: ["Porto"] } } }));
    expect(item).toMatchObject({ category: "live_simple", tool, accepted: { tool: "find_bakery", args: { city: ["Porto"] } }, expected: [{ tool: "find_bakery", args: {} }] });
  });

  it("normalises single expectations to lists and keeps null", () => {
    const items = parseDataset(
      [
        '{"id":"a","question":"add 1 and 2","expected":{"tool":"add","args":{"a":1,"b":2}},"answer":3}',
        "",
        '{"id":7,"question":"hi","category":"no-tool","expected":null,"source":{"dataset":"x"}}',
      ].join("\n"),
    );
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ id: "a", category: "uncategorized", expected: [{ tool: "add" }], answer: 3, line: 1 });
    expect(items[1]).toMatchObject({ id: "7", category: "no-tool", expected: null, line: 3 });
  });

  it("defaults missing args to none checked and normalises expectedCalls steps", () => {
    const [first] = parseDataset(
      '{"id":"m","question":"q","expected":[{"tool":"add"}],"expectedCalls":[{"tool":"add"},[{"tool":"multiply","args":{"a":7}}]]}',
    );
    expect(first?.expected).toEqual([{ tool: "add", args: {} }]);
    expect(first?.expectedCalls).toEqual([[{ tool: "add", args: {} }], [{ tool: "multiply", args: { a: 7 } }]]);
  });

  it("names the file, line and field of a schema error", () => {
    const error = thrown(() =>
      parseDataset('{"id":"a","question":"q","expected":null}\n{"id":"b","question":"q","expected":{"tool":""}}', "d.jsonl"),
    );
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^d\.jsonl:2: /);
    expect(error.message).toContain("expected");
  });

  it("rejects a misspelt key inside an expectation", () => {
    const error = thrown(() => parseDataset('{"id":"a","question":"q","expected":{"tool":"add","arguments":{"a":1}}}'));
    expect(error.message).toContain("arguments");
  });

  it("requires expected (null is explicit), a question and an id", () => {
    expect(thrown(() => parseDataset('{"id":"a","question":"q"}')).message).toContain("expected");
    expect(thrown(() => parseDataset('{"id":"a","question":"  ","expected":null}')).message).toContain("question");
    expect(thrown(() => parseDataset('{"question":"q","expected":null}')).message).toContain("id");
  });

  it("reports invalid JSON, duplicate ids and an empty file", () => {
    expect(thrown(() => parseDataset('{"id":"a"', "f")).message).toMatch(/^f:1: invalid JSON/);
    const dup = thrown(() => parseDataset('{"id":"a","question":"q","expected":null}\n{"id":"a","question":"r","expected":null}'));
    expect(dup.line).toBe(2);
    expect(dup.message).toContain("first on line 1");
    expect(thrown(() => parseDataset("\n\n")).message).toContain("no items");
  });
});

describe("dialogues", () => {
  const DIALOGUE =
    '{"id":"d1","category":"new-place","turns":[{"user":"Weather in Paris?","expected":{"tool":"get_weather","args":{"city":"Paris"}}},{"user":"And in Rome?","expected":{"tool":"get_weather","args":{"city":"Rome"}},"answer":"Rome"}]}';

  it("become one item per turn, in order, each knowing its dialogue", () => {
    const items = parseDataset(['{"id":"q","question":"hi","expected":null}', DIALOGUE].join("\n"));
    expect(items.map((i) => i.id)).toEqual(["q", "d1#1", "d1#2"]);
    expect(items[2]).toMatchObject({
      question: "And in Rome?",
      category: "new-place",
      expected: [{ tool: "get_weather", args: { city: "Rome" } }],
      answer: "Rome",
      dialogue: { id: "d1", turn: 2, turns: 2 },
      line: 2,
    });
    expect(items[0]!.dialogue).toBeUndefined();
  });

  it("name the line and the turn's field of an error", () => {
    const missing = thrown(() => parseDataset(`${DIALOGUE}\n{"id":"d2","turns":[{"user":"x","expected":null},{"user":"y"}]}`, "c.jsonl"));
    expect(missing.message).toMatch(/^c\.jsonl:2: turns\.1\.expected: /);
    expect(thrown(() => parseDataset('{"id":"d","turns":[{"user":"x","expected":null,"expect":1}]}')).message).toMatch(/turns\.0: .*expect/);
    expect(thrown(() => parseDataset('{"id":"d","turns":[]}')).message).toMatch(/^dataset:1: turns: /);
    expect(thrown(() => parseDataset('{"id":"d","turns":[{"user":" ","expected":null}]}')).message).toContain("turns.0.user");
    expect(thrown(() => parseDataset('{"id":"d","question":"q","expected":null,"turns":[]}')).message).toContain('either "question" or "turns"');
    const dup = thrown(() => parseDataset(`${DIALOGUE}\n{"id":"d1","question":"q","expected":null}`));
    expect(dup).toMatchObject({ line: 2 });
  });

  it("run as groups: a dialogue's turns together and in order, other questions alone", () => {
    const items = parseDataset(['{"id":"q","question":"hi","expected":null}', DIALOGUE, '{"id":"r","question":"ho","expected":null}'].join("\n"));
    expect(runGroups(items).map((g) => g.map((i) => i.id))).toEqual([["q"], ["d1#1", "d1#2"], ["r"]]);
  });
});

describe("the conversation set", () => {
  it("has at least 60 dialogues of several turns in every family, with the project's tools only", async () => {
    const items = await loadDataset(CONVERSATIONS);
    const dialogues = new Map<string, { category: string; turns: number }>();
    for (const item of items) dialogues.set(item.dialogue!.id, { category: item.category, turns: item.dialogue!.turns });
    expect(dialogues.size).toBeGreaterThanOrEqual(60);
    const families = ["reply", "new-place", "previous-result", "new-number", "new-question", "control", "no-history"];
    for (const family of families) {
      const inFamily = [...dialogues.values()].filter((d) => d.category === family);
      expect(inFamily.length, family).toBeGreaterThanOrEqual(4);
      if (family !== "no-history") expect(inFamily.every((d) => d.turns >= 2), family).toBe(true);
    }
    for (const call of items.flatMap((i) => [...(i.expected ?? []), ...(i.expectedCalls ?? []).flat()])) {
      expect(call.server).toBe(TOOLS[call.tool]);
    }
  });
});

describe("loadDataset", () => {
  it("names a missing file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "evals-"));
    try {
      await expect(loadDataset(join(dir, "nope.jsonl"))).rejects.toMatchObject({ name: "DatasetError", message: /nope\.jsonl.*ENOENT/ });
      const file = join(dir, "one.jsonl");
      await writeFile(file, '{"id":"a","question":"q","expected":null}\n');
      await expect(loadDataset(file)).resolves.toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the sample set", () => {
  it("validates and covers every category with at least 100 items", async () => {
    const items = await loadDataset(SAMPLE);
    expect(items.length).toBeGreaterThanOrEqual(100);
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.category, (counts.get(item.category) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...CATEGORIES].sort());
    for (const category of CATEGORIES) expect(counts.get(category), category).toBeGreaterThanOrEqual(8);
  });

  it("only expects tools the project serves, on their own servers", async () => {
    const items = await loadDataset(SAMPLE);
    const calls = items.flatMap((i) => [...(i.expected ?? []), ...(i.expectedCalls ?? []).flat()]);
    for (const call of calls) {
      expect(Object.keys(TOOLS)).toContain(call.tool);
      expect(call.server).toBe(TOOLS[call.tool]);
    }
  });

  it("lists the whole plan of every multi-step item, starting with an acceptable first call", async () => {
    const items = (await loadDataset(SAMPLE)).filter((i) => i.category === "multi-step");
    for (const item of items) {
      expect(item.expectedCalls?.length, item.id).toBeGreaterThanOrEqual(2);
      const firstSteps = (item.expectedCalls ?? []).flat();
      for (const alt of item.expected ?? []) expect(firstSteps, item.id).toContainEqual(alt);
    }
  });

  it("gives every arithmetic item a number to find in the answer", async () => {
    const items = await loadDataset(SAMPLE);
    for (const item of items.filter((i) => ["article", "add", "multiply"].includes(i.category))) {
      expect(item.answer, item.id).toBeDefined();
    }
  });
});
