import { readFileSync } from "node:fs";
import { buildRouteSchema } from "../../routing/schema.js";
import { catalogFromRouteSchema } from "../catalog.js";
import { decide } from "../router.js";
const tools = [
  { server: "math", name: "add", bridgedName: "math__add", description: "Add two integers and return their exact sum.", inputSchema: { type: "object", properties: { a: { type: "integer", description: "First addend" }, b: { type: "integer", description: "Second addend" } }, required: ["a", "b"], additionalProperties: false } },
  { server: "math", name: "multiply", bridgedName: "math__multiply", description: "Multiply two integers and return their exact product.", inputSchema: { type: "object", properties: { a: { type: "integer", description: "First factor" }, b: { type: "integer", description: "Second factor" } }, required: ["a", "b"], additionalProperties: false } },
  { server: "weather", name: "get_weather", bridgedName: "weather__get_weather", description: "Get the current (simulated) weather for a city: conditions, temperature, humidity and wind.", inputSchema: { type: "object", properties: { city: { type: "string", description: "City name, e.g. Berlin" } }, required: ["city"], additionalProperties: false } },
];
const catalog = catalogFromRouteSchema(buildRouteSchema(tools))!;
const items = readFileSync(process.argv[2] || "/work/shared/datasets/public-dev.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
const stats: Record<string, [number, number]> = {};
const filter = process.argv[3];
for (const item of items) {
  const r = decide(item.question, [], catalog);
  let ok: boolean;
  const d = r.decision;
  const exp = item.expected === null ? null : Array.isArray(item.expected) ? item.expected : [item.expected];
  if (exp === null) ok = d.action !== "call_tool";
  else ok = d.action === "call_tool" && exp.some((e: any) => d.tool.split("__").pop() === e.tool && Object.entries(e.args).every(([k, v]) => typeof v === "string" ? String((d.args as any)[k] ?? "").trim().toLowerCase() === v.trim().toLowerCase() : (d.args as any)[k] === v));
  const c = item.category;
  stats[c] ??= [0, 0];
  stats[c][1]++;
  if (ok) stats[c][0]++;
  else if (!filter || filter === c) console.log(`${c} | ${item.question}\n   exp ${JSON.stringify(exp?.[0] ?? null)}\n   got ${JSON.stringify(d)}  // ${r.reason}`);
}
for (const [c, [ok, n]] of Object.entries(stats)) console.log(c, ok, "/", n, (100 * ok / n).toFixed(1) + "%");
