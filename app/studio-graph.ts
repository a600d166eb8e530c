/**
 * The graph `langgraph.json` serves (LangGraph Studio, `langgraph dev`): our two servers at the
 * ports the environment names, the default model, and no checkpointer of its own (the LangGraph
 * server brings one). The one module that reads the environment on import: the dev server loads it
 * to find the graph.
 */
import { createAppGraph } from "./app-graph.js";
import { readSettings } from "./settings.js";

export const graph = createAppGraph(readSettings(process.env));
