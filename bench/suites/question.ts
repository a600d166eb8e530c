/**
 * (2) One question end to end through the compiled graph with the offline model: warm sessions kept
 * across questions, against the article's host that connects to every server, lists tools, routes,
 * calls and disconnects for every question. Also warm with ~500 tools from 51 servers (what a large
 * catalog costs each question), and the floor a warm question is held to: an empty graph of the same
 * shape (what LangGraph itself costs) followed by one MCP call, as a question makes its call after a
 * few ms without traffic (a call after idleness costs about twice one in a tight loop).
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { MultiServerClient, resultText, type ServersConfig } from "../../adapters/index.js";
import { OfflineRouterModel } from "../../offline/index.js";
import { createGraph, type McpGraph } from "../../graph/index.js";
import { checkAnswer, QUESTIONS, serversConfig } from "../questions.js";
import { interleave, summarize, type Variant } from "../stats.js";
import type { Suite } from "../suite.js";

/** Synthetic servers added to math and weather for the large-catalog variant: 49 × 10 + 3 tools. */
const EXTRA_SERVERS = 49;

/**
 * The framework's floor for one question: a compiled graph of the same shape (discover → route →
 * callTool → route → respond, five node runs) whose nodes do nothing. What `question/warm` spends
 * above it is our nodes, the model pipeline and the tool call.
 */
function emptyGraphOfTheSameShape() {
  const State = Annotation.Root({ step: Annotation<number>({ reducer: (_, next) => next, default: () => 0 }) });
  const next = (state: typeof State.State) => ({ step: state.step + 1 });
  return new StateGraph(State)
    .addNode("discover", next)
    .addNode("route", next)
    .addNode("callTool", next)
    .addNode("respond", next)
    .addEdge(START, "discover")
    .addEdge("discover", "route")
    .addConditionalEdges("route", (state) => (state.step >= 4 ? "respond" : "callTool"), ["callTool", "respond"])
    .addEdge("callTool", "route")
    .addEdge("respond", END)
    .compile();
}

export const questionSuite: Suite = {
  name: "question",
  async run(context) {
    const servers = serversConfig((await context.servers()).ready);
    const extra = (await context.manyServers()).ready.urls.slice(0, EXTRA_SERVERS);
    const large: ServersConfig = { ...servers, ...Object.fromEntries(extra.map((url, index) => [`svc${index}`, { url }])) };
    const warm = createGraph({ model: new OfflineRouterModel(), servers });
    const warmLarge = createGraph({ model: new OfflineRouterModel(), servers: large });
    const floor = emptyGraphOfTheSameShape();
    const caller = new MultiServerClient({ math: servers.math! });
    try {
      if ((await caller.connect()).math?.state !== "connected") throw new Error("the floor's client did not connect to math");
      let next = 0;
      const ask = async (graph: McpGraph) => {
        const item = QUESTIONS[next++ % QUESTIONS.length]!;
        checkAnswer(item, await graph.invoke({ question: item.question }));
      };
      const variants: Variant[] = [
        { name: "warm", run: () => ask(warm) },
        {
          name: "per-question-connect",
          run: async () => {
            const fresh = createGraph({ model: new OfflineRouterModel(), servers });
            try {
              await ask(fresh);
            } finally {
              await fresh.close();
            }
          },
        },
        { name: "warm-large", run: () => ask(warmLarge) },
        {
          name: "langgraph-floor",
          run: async () => {
            const { step } = await floor.invoke({});
            if (step !== 5) throw new Error(`the empty graph ran ${step} nodes instead of 5`);
          },
        },
        {
          name: "floor-plus-call",
          run: async () => {
            const { step } = await floor.invoke({});
            const text = resultText(await caller.callTool("math", "add", { a: 2, b: 3 }));
            if (step !== 5 || text !== "5") throw new Error(`the floor ran ${step} nodes and add(2, 3) answered ${text}`);
          },
        },
      ];
      context.log("question: warm sessions vs connect per question, and warm with ~500 tools");
      const samples = await interleave(variants, context.quick ? { warmup: 3, rounds: 2, batch: 3 } : { warmup: 30, rounds: 20, batch: 15 });
      const { recorder } = context;
      recorder.addLatency("question/langgraph-floor", summarize(samples.get("langgraph-floor")!));
      recorder.addLatency("question/warm", summarize(samples.get("warm")!), "question/langgraph-floor");
      recorder.addLatency("question/per-question-connect", summarize(samples.get("per-question-connect")!), "question/warm");
      recorder.addLatency("question/warm/500-tools", summarize(samples.get("warm-large")!), "question/warm");
      recorder.addLatency("question/floor-plus-call", summarize(samples.get("floor-plus-call")!), "question/langgraph-floor");
      recorder.add("question/warm/vs-floor-plus-call", "×", recorder.get("question/warm") / recorder.get("question/floor-plus-call"));
      recorder.target("question: warm ÷ (LangGraph floor + one MCP call) (median)", "<=", 1.25, recorder.get("question/warm/vs-floor-plus-call"));
    } finally {
      await Promise.allSettled([warm.close(), warmLarge.close(), caller.close()]);
    }
  },
};
