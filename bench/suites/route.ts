/**
 * (4b) Routing time with many tools: the offline model's decision (route schema bound through
 * `withStructuredOutput`, then `parseRouteOutput`), and the graph's route node doing all of it the
 * way a question does. The catalog is synthetic (servers of business-like tools) with our three real
 * tools among them.
 */
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { ToolInfo } from "../../adapters/index.js";
import {
  buildRouteSchema,
  createRouteNode,
  parseRouteOutput,
  turnState,
  ROUTE_SYSTEM_PROMPT,
  withRouteSchema,
  type GraphState,
  type GraphUpdate,
  type RouteDecision,
} from "../../graph/index.js";
import { OfflineRouterModel } from "../../offline/index.js";
import { syntheticTool } from "../catalog.js";
import { interleave, summarize, type Variant } from "../stats.js";
import type { Suite } from "../suite.js";

const SIZES = [10, 100, 500] as const;

const REAL_TOOLS: ToolInfo[] = [
  {
    server: "math",
    name: "add",
    bridgedName: "math__add",
    description: "Add two integers and return their exact sum.",
    inputSchema: {
      type: "object",
      properties: { a: { type: "integer", description: "First addend." }, b: { type: "integer", description: "Second addend." } },
      required: ["a", "b"],
    },
  },
  {
    server: "math",
    name: "multiply",
    bridgedName: "math__multiply",
    description: "Multiply two integers and return their exact product.",
    inputSchema: {
      type: "object",
      properties: { a: { type: "integer", description: "First factor." }, b: { type: "integer", description: "Second factor." } },
      required: ["a", "b"],
    },
  },
  {
    server: "weather",
    name: "get_weather",
    bridgedName: "weather__get_weather",
    description: "Get the current (simulated) weather for a city.",
    inputSchema: {
      type: "object",
      properties: { city: { type: "string", description: "City name, e.g. Berlin." } },
      required: ["city"],
    },
  },
];

/** `size` tools: the three real ones amid synthetic servers of ten tools each. */
export function syntheticCatalog(size: number): ToolInfo[] {
  const synthetic: ToolInfo[] = [];
  for (let i = 0; synthetic.length < size - REAL_TOOLS.length; i++) {
    const server = Math.floor(i / 10);
    const tool = syntheticTool(server, i % 10);
    synthetic.push({ server: `svc${server}`, bridgedName: `svc${server}__${tool.name}`, ...tool });
  }
  // The real tools go to the middle, so a router scanning from either end has work to do.
  const middle = Math.floor(synthetic.length / 2);
  return [...synthetic.slice(0, middle), ...REAL_TOOLS, ...synthetic.slice(middle)];
}

class RouteMissError extends Error {
  constructor(size: number, detail: string) {
    super(`offline routing with ${size} tools: ${detail}`);
    this.name = "RouteMissError";
  }
}

/** The decision in a route node's update (which LangGraph types loosely, as a possible overwrite). */
function decisionOf(update: GraphUpdate): RouteDecision | undefined {
  const output = update.decision;
  return output && "decision" in output ? (output.decision as RouteDecision) : undefined;
}

function checkRoute(size: number, decision: RouteDecision | undefined): void {
  if (decision?.action !== "call_tool" || decision.tool !== "weather__get_weather") {
    throw new RouteMissError(size, `chose ${JSON.stringify(decision)}`);
  }
}


export const routeSuite: Suite = {
  name: "route",
  async run(context) {
    const { recorder, quick } = context;
    const model = new OfflineRouterModel();
    const question = new HumanMessage("What's the weather in Berlin?");
    const messages = [new SystemMessage(ROUTE_SYSTEM_PROMPT), question];
    const variants: Variant[] = [];
    const schemaSamples = new Map<number, number[]>();
    for (const size of SIZES) {
      const tools = syntheticCatalog(size);
      // Equal tools in new objects, as after a server's tools changed: the schema cache keyed by content is timed.
      const timings: number[] = [];
      for (let i = 0; i < (quick ? 5 : 50); i++) {
        const copy = structuredClone(tools);
        const started = performance.now();
        buildRouteSchema(copy);
        timings.push(performance.now() - started);
      }
      schemaSamples.set(size, timings);
      // The model's own decision: schema built and bound once.
      const router = withRouteSchema(model, buildRouteSchema(tools));
      variants.push({
        name: `model/${size}`,
        run: async () => {
          const parsed = parseRouteOutput((await router.invoke(messages)).parsed, tools);
          if (!parsed.ok) throw new RouteMissError(size, parsed.error);
          checkRoute(size, parsed.value.decision);
        },
      });
    }

    // The graph's route node itself, which builds and binds the schema and caches it by the identity of
    // the catalog array: with the array it has seen (every question while the servers' tools stay the
    // same, since the client hands out one catalog array until they change), and with a new array (the
    // first question after a server's tools or status changed). In the new array either every tool is
    // an equal tool in a new object (a new client, or every server listing its tools again), or only one
    // server's are, as in the catalog the client makes when one server's tools change: it keeps the
    // other servers' tool objects.
    const size = SIZES.at(-1)!;
    const tools = syntheticCatalog(size);
    const node = createRouteNode(model, tools);
    const sameState = firstTurn(question);
    const servers = [...new Set(tools.map((tool) => tool.server))];
    let changed = 0;
    variants.push(
      {
        name: "node/seen-catalog",
        run: async () => checkRoute(size, decisionOf(await node(sameState, {}))),
      },
      {
        name: "node/new-catalog",
        selfTimed: true,
        run: async () => {
          const fresh = createRouteNode(model, structuredClone(tools));
          const started = performance.now();
          const update = await fresh(sameState, {});
          const elapsed = performance.now() - started;
          checkRoute(size, decisionOf(update));
          return elapsed;
        },
      },
      {
        name: "node/new-catalog/one-server",
        selfTimed: true,
        run: async () => {
          const server = servers[changed++ % servers.length];
          const fresh = createRouteNode(model, tools.map((tool) => (tool.server === server ? structuredClone(tool) : tool)));
          const started = performance.now();
          const update = await fresh(sameState, {});
          const elapsed = performance.now() - started;
          checkRoute(size, decisionOf(update));
          return elapsed;
        },
      },
    );

    context.log(`route: offline model with ${SIZES.join(", ")} tools, and the graph's route node with ${size}`);
    const samples = await interleave(variants, quick ? { warmup: 5, rounds: 3, batch: 5 } : { warmup: 50, rounds: 20, batch: 10 });
    for (const count of SIZES) {
      const baseline = count === SIZES[0] ? undefined : `route/offline/${SIZES[0]}-tools`;
      recorder.addLatency(`route/offline/${count}-tools`, summarize(samples.get(`model/${count}`)!), baseline);
    }
    const name = `route/node/${size}-tools`;
    recorder.addLatency(name, summarize(samples.get("node/seen-catalog")!), `route/offline/${size}-tools`);
    recorder.addLatency(`${name}/new-catalog`, summarize(samples.get("node/new-catalog")!), name);
    recorder.addLatency(`${name}/new-catalog/one-server`, summarize(samples.get("node/new-catalog/one-server")!), name);
    for (const count of SIZES) recorder.addLatency(`route/schema/${count}-tools`, summarize(schemaSamples.get(count)!));
    recorder.target(`${name} (median: the route step of a question)`, "<=", 1, recorder.get(name));
    recorder.target(`${name}/new-catalog (p99: the first question after a catalog change)`, "<=", 3, recorder.get(`${name}/new-catalog/p99`));
  },
};

/** The state the route node sees on a thread's first turn. */
function firstTurn(question: HumanMessage): GraphState {
  return { ...turnState(), messages: [question], catalog: { version: 1, servers: 0, tools: 0, unavailable: {} } };
}
