/**
 * (4b) Routing time of the offline model with many tools, the way the route node does it: the route
 * schema bound through `withStructuredOutput`, then `parseRouteOutput`. The catalog is synthetic
 * (many servers of business-like tools) with our three real tools among them.
 */
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { ToolInfo } from "../../adapters/index.js";
import { withRouteSchema } from "../../graph/model.js";
import { OfflineRouterModel } from "../../graph/offline/index.js";
import { ROUTE_SYSTEM_PROMPT } from "../../graph/prompts.js";
import { buildRouteSchema, parseRouteOutput } from "../../graph/routing/index.js";
import { interleave, summarize, type Variant } from "../stats.js";
import type { Suite } from "../suite.js";

const SIZES = [10, 100, 500] as const;

const VERBS = ["get", "list", "create", "update", "delete", "search", "export", "archive", "approve", "sync"];
const NOUNS = [
  "invoice", "customer", "ticket", "order", "document", "calendar_event", "repository", "metric", "alert", "shipment",
  "contract", "employee", "payment", "product", "campaign", "lead", "build", "deployment", "backup", "report",
  "subscription", "refund", "warehouse", "supplier", "survey", "webinar", "playlist", "recipe", "flight", "hotel",
  "booking", "device", "sensor", "license", "domain", "certificate", "bucket", "queue", "cluster", "dashboard",
  "note", "task", "project", "milestone", "comment", "label", "user", "group", "role", "token",
];

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

/** `size` tools: the three real ones and synthetic ones from 10 tools per server. */
export function syntheticCatalog(size: number): ToolInfo[] {
  const tools = [...REAL_TOOLS];
  for (let i = 0; tools.length < size; i++) {
    const server = `svc${Math.floor(i / 10)}`;
    const verb = VERBS[i % VERBS.length]!;
    const noun = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]!;
    const name = `${verb}_${noun}`;
    tools.push({
      server,
      name,
      bridgedName: `${server}__${name}`,
      description: `${verb[0]!.toUpperCase()}${verb.slice(1)} a ${noun.replace("_", " ")} in the ${server} system by its id.`,
      inputSchema: {
        type: "object",
        properties: {
          id: { type: "string", description: `Identifier of the ${noun.replace("_", " ")}.` },
          limit: { type: "integer", minimum: 1, maximum: 100, description: "Most records to return." },
        },
        required: ["id"],
      },
    });
  }
  // The real tools go to the middle, so a router scanning from either end has work to do.
  const middle = tools.splice(0, REAL_TOOLS.length);
  tools.splice(Math.floor(tools.length / 2), 0, ...middle);
  return tools.slice(0, size);
}

class RouteMissError extends Error {
  constructor(size: number, detail: string) {
    super(`offline routing with ${size} tools: ${detail}`);
    this.name = "RouteMissError";
  }
}

export const routeSuite: Suite = {
  name: "route",
  async run(context) {
    const { recorder, quick } = context;
    const model = new OfflineRouterModel();
    const messages = [new SystemMessage(ROUTE_SYSTEM_PROMPT), new HumanMessage("What's the weather in Berlin?")];
    const variants: Variant[] = [];
    const schemaSamples = new Map<number, number[]>();
    for (const size of SIZES) {
      const tools = syntheticCatalog(size);
      const timings: number[] = [];
      for (let i = 0; i < (quick ? 5 : 50); i++) {
        const started = performance.now();
        buildRouteSchema(tools);
        timings.push(performance.now() - started);
      }
      schemaSamples.set(size, timings);
      const router = withRouteSchema(model, buildRouteSchema(tools));
      const route = async () => {
        const reply = await router.invoke(messages);
        const parsed = parseRouteOutput(reply.parsed, tools);
        if (!parsed.ok) throw new RouteMissError(size, parsed.error);
        const { decision } = parsed.value;
        if (decision.action !== "call_tool" || decision.tool !== "weather__get_weather") {
          throw new RouteMissError(size, `chose ${JSON.stringify(decision)}`);
        }
      };
      variants.push({ name: String(size), run: route });
    }
    context.log(`route: offline model with ${SIZES.join(", ")} tools`);
    const samples = await interleave(variants, quick ? { warmup: 10, rounds: 4, batch: 10 } : { warmup: 100, rounds: 20, batch: 25 });
    for (const size of SIZES) {
      recorder.addLatency(`route/offline/${size}-tools`, summarize(samples.get(String(size))!), size === SIZES[0] ? undefined : `route/offline/${SIZES[0]}-tools`);
    }
    for (const size of SIZES) recorder.addLatency(`route/schema/${size}-tools`, summarize(schemaSamples.get(size)!));
    recorder.target("route/offline/500-tools (median)", "<", 2, recorder.get("route/offline/500-tools"));
  },
};
