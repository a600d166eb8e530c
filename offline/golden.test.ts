import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildRouteSchema } from "../graph/index.js";
import { reportText, simulateWeather } from "../servers/index.js";
import { projectTools } from "../test/support/project-tools.js";
import { catalogFromRouteSchema } from "./catalog.js";
import { decide, type Observation } from "./router.js";

/**
 * The golden cases beside each spec (`*.golden.jsonl`): a question, the calls it must make (bridged
 * name and sorted operands, or the JSON arguments), and what the answer must say (parts joined by
 * " × " must each appear). Sentences written for these files, one class of language per `class`.
 */
interface Golden {
  class: string;
  question: string;
  calls: string[];
  answer: string;
}

const PROJECT = catalogFromRouteSchema(buildRouteSchema(await projectTools()))!;
const dir = new URL(".", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".golden.jsonl"));

function callOf(tool: string, args: Record<string, unknown>): string {
  const { a, b } = args as { a?: number; b?: number };
  if (typeof a === "number" && typeof b === "number") return `${tool}(${[a, b].sort((x, y) => x - y).join(", ")})`;
  return `${tool}(${JSON.stringify(args)})`;
}

/** The whole turn with exact arithmetic and WeatherServer's own (simulated, per-city) reports. */
function run(question: string): { calls: string[]; answer: string } {
  const observations: Observation[] = [];
  for (let step = 0; step < 6; step++) {
    const { decision } = decide(question, observations, PROJECT);
    if (decision.action !== "call_tool") return { calls: observations.map((o) => callOf(o.tool, o.args)), answer: decision.action === "answer" ? decision.answer : decision.question };
    const { a, b, city } = decision.args as { a: number; b: number; city: string };
    const result = decision.tool.endsWith("add") ? String(BigInt(a) + BigInt(b)) : decision.tool.endsWith("multiply") ? String(BigInt(a) * BigInt(b)) : reportText(simulateWeather(city));
    observations.push({ tool: decision.tool, args: decision.args, result, isError: false });
  }
  throw new Error("no answer after 6 steps");
}

describe.each(files)("%s", (file) => {
  const cases = readFileSync(new URL(file, dir), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Golden);
  it.each(cases.map((c) => [`${c.class}: ${c.question}`, c] as const))("%s", (_, golden) => {
    const { calls, answer } = run(golden.question);
    expect(calls).toEqual(golden.calls);
    for (const part of golden.answer.split(" × ")) expect(answer).toContain(part);
    expect(answer).not.toMatch(/\w__\w/);
  });
});
