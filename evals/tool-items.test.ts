import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, main, type CliIo } from "./cli.js";
import type { EvalReport } from "./report.js";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "evals-tools-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io(): CliIo & { out: () => string } {
  let out = "";
  return { env: {}, cwd: ROOT, stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, out: () => out };
}

const area = (props: Record<string, unknown>, required: string[]) => ({
  name: "rectangle_area",
  description: "Area of a rectangle.",
  inputSchema: { type: "object", properties: props, required },
});
const number = { type: "number", description: "" };

// Two tools of one name with different schemas, and one tool twice: each item must see its own.
const ITEMS = [
  {
    id: "bfcl-mine-1",
    question: "Calculate the area of a rectangle with width 4 and height 7",
    tool: area({ width: number, height: number }, ["width", "height"]),
    expected: { tool: "rectangle_area", args: { width: [4], height: [7.0], unit: [""] } },
  },
  {
    id: "bfcl-mine-2",
    question: "Calculate the area of a rectangle with side 3 and length 9",
    tool: area({ side: number, length: number }, ["side", "length"]),
    expected: { tool: "rectangle_area", args: { side: [3], length: [9] } },
  },
  {
    id: "bfcl-other-3",
    question: "Find a bakery in Lisbon",
    tool: { name: "find_bakery", description: "Find bakeries in a city.", inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    expected: { tool: "find_bakery", args: { city: ["Lisboa"] } },
  },
  {
    id: "bfcl-other-4",
    question: "Find a bakery in Porto",
    tool: { name: "find_bakery", description: "Find bakeries in a city.", inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    expected: { tool: "find_bakery", args: { city: ["Porto"] } },
  },
];

describe("items that bring their own tool", () => {
  it("serves each item's tool alone from a stdio server and scores it with the BFCL rules", async () => {
    const file = join(dir, "tools.jsonl");
    await writeFile(file, ITEMS.map((item) => JSON.stringify(item)).join("\n"));
    const json = join(dir, "report.json");
    const capture = io();
    const code = await main(["--dataset", file, "--json", json, "--md", join(dir, "report.md"), "--concurrency", "2"], capture);
    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(await readFile(json, "utf8")) as EvalReport;
    const made = Object.fromEntries(report.items.map((item) => [item.id, { made: item.made, calls: item.got.calls.map((c) => [c.server, c.tool, c.args]) }]));
    expect(made).toEqual({
      "bfcl-mine-1": { made: "exact", calls: [["tools", "rectangle_area", { width: 4, height: 7 }]] },
      "bfcl-mine-2": { made: "exact", calls: [["tools", "rectangle_area", { side: 3, length: 9 }]] },
      // A value BFCL does not accept is a wrong call, listed as such.
      "bfcl-other-3": { made: "wrong", calls: [["tools", "find_bakery", { city: "Lisbon" }]] },
      "bfcl-other-4": { made: "exact", calls: [["tools", "find_bakery", { city: "Porto" }]] },
    });
    expect(report.byCategory.mine).toMatchObject({ total: 2, exactRate: 1, wrongRate: 0 });
    expect(report.byCategory.other).toMatchObject({ total: 2, exactRate: 0.5, wrongRate: 0.5, noCallRate: 0 });
    expect(capture.out()).toContain("Wrong calls (1):\n  [bfcl-other-3] (other) Find a bakery in Lisbon");
  }, 120_000);
});
