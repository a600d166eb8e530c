/**
 * Routing cost of the offline model, for benchmarks: `npx tsx graph/offline/bench.ts [toolCount]`.
 * `measureRouting` times the decision alone (catalog read once per tool set, as the model caches it)
 * and the whole `withStructuredOutput` pipeline LangChain runs around it.
 */
import { performance } from "node:perf_hooks";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { ToolInfo } from "../../adapters/index.js";
import type { RouteOutput } from "../routing/types.js";
import { buildRouteSchema } from "../routing/schema.js";
import { catalogFromRouteSchema } from "./catalog.js";
import { PROJECT_TOOLS } from "./dev-eval.js";
import { OfflineRouterModel } from "./model.js";
import { decide } from "./router.js";

const VERBS = ["get", "list", "create", "update", "delete", "search", "export", "archive", "approve", "sync"];
const NOUNS = ["invoice", "customer", "ticket", "order", "document", "repository", "metric", "alert", "shipment", "contract", "employee", "payment"];

/** The three project tools among `count - 3` business-like tools (`svc4__search_ticket`, …). */
export function syntheticTools(count: number): ToolInfo[] {
  const tools: ToolInfo[] = [];
  for (let i = 0; tools.length < Math.max(0, count - PROJECT_TOOLS.length); i++) {
    const server = `svc${Math.floor(i / VERBS.length)}`;
    const verb = VERBS[i % VERBS.length]!;
    const noun = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]!;
    tools.push({
      server,
      name: `${verb}_${noun}`,
      bridgedName: `${server}__${verb}_${noun}`,
      description: `${verb[0]!.toUpperCase()}${verb.slice(1)} a ${noun} record in ${server} by its identifier.`,
      inputSchema: {
        type: "object",
        properties: { id: { type: "string", description: `Identifier of the ${noun}.` }, limit: { type: "integer", minimum: 1 } },
        required: ["id"],
      },
    });
  }
  const middle = Math.floor(tools.length / 2);
  return [...tools.slice(0, middle), ...PROJECT_TOOLS, ...tools.slice(middle)];
}

/** Routes one question (first step) against `count` synthetic tools. */
export function routeAgainstSyntheticTools(question: string, count: number): RouteOutput {
  const catalog = catalogFromRouteSchema(buildRouteSchema(syntheticTools(count)))!;
  return decide(question, [], catalog);
}

export interface RoutingTimes {
  toolCount: number;
  routes: number;
  /** Reading the route schema into a catalog, once per tool set. */
  catalogMs: number;
  /** The decision alone. */
  decideP50Ms: number;
  decideP95Ms: number;
  /** `withStructuredOutput(schema).invoke(messages)`, LangChain's pipeline included. */
  invokeP50Ms: number;
  invokeP95Ms: number;
}

const QUESTIONS = [
  "How many hours do 5 days have?",
  "What is (3 + 4) times 5?",
  "What's the weather in São Paulo?",
  "Each bag holds 23 pounds of oranges. How many pounds are in 45 bags?",
  "Who won the last world cup?",
  "add 5",
];

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Times routing `rounds` passes over a few questions with `toolCount` tools. */
export async function measureRouting(toolCount = 500, rounds = 50, questions = QUESTIONS): Promise<RoutingTimes> {
  const schema = buildRouteSchema(syntheticTools(toolCount));
  const started = performance.now();
  const catalog = catalogFromRouteSchema(schema)!;
  const catalogMs = performance.now() - started;

  const decideTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const question of questions) {
      // A distinct string each round, so the per-question analysis cache does not hide the work.
      const text = question + " ".repeat(round);
      const t0 = performance.now();
      decide(text, [], catalog);
      decideTimes.push(performance.now() - t0);
    }
  }

  const router = new OfflineRouterModel().withStructuredOutput(schema, { name: "route" });
  const invokeTimes: number[] = [];
  for (let round = 0; round < Math.max(1, Math.floor(rounds / 5)); round++) {
    for (const question of questions) {
      const t0 = performance.now();
      await router.invoke([new SystemMessage("route"), new HumanMessage(question)]);
      invokeTimes.push(performance.now() - t0);
    }
  }
  decideTimes.sort((a, b) => a - b);
  invokeTimes.sort((a, b) => a - b);
  return {
    toolCount,
    routes: decideTimes.length,
    catalogMs,
    decideP50Ms: percentile(decideTimes, 0.5),
    decideP95Ms: percentile(decideTimes, 0.95),
    invokeP50Ms: percentile(invokeTimes, 0.5),
    invokeP95Ms: percentile(invokeTimes, 0.95),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 500);
  const times = await measureRouting(count);
  console.log(JSON.stringify(times, (_, v: unknown) => (typeof v === "number" ? Number(v.toFixed(4)) : v), 2));
}
