import { AIMessage, ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { resultText } from "../../adapters/index.js";
import { ensureConfiguration } from "../configuration.js";
import type { GraphContext } from "../context.js";
import type { CallRecord, GraphState, GraphUpdate } from "../state.js";

/**
 * Calls the tool the route chose. Whatever happens — an `isError` result, a timeout, a server that
 * went away — ends up in state as an observation for the next route, never as a thrown error.
 */
export function callTool(context: GraphContext) {
  return async (state: GraphState, config: RunnableConfig): Promise<GraphUpdate> => {
    const decision = state.decision?.decision;
    if (decision?.action !== "call_tool") throw new Error("callTool ran without a call_tool decision");
    const tool = state.catalog.find((entry) => entry.bridgedName === decision.tool);
    if (!tool) throw new Error(`callTool ran for a tool missing from the catalog: ${decision.tool}`);

    const { servers, callTimeoutMs } = ensureConfiguration(config, context.defaults);
    const client = await context.clientFor(servers);
    const started = performance.now();
    let record: CallRecord;
    try {
      const result = await client.callTool(tool.server, tool.name, decision.args, {
        timeoutMs: callTimeoutMs,
        signal: config.signal,
      });
      record = {
        server: tool.server,
        tool: tool.name,
        args: decision.args,
        result: resultText(result),
        isError: result.isError === true,
        ...(result.structuredContent ? { structured: result.structuredContent } : {}),
        durationMs: performance.now() - started,
      };
    } catch (error) {
      record = {
        server: tool.server,
        tool: tool.name,
        args: decision.args,
        result: error instanceof Error ? error.message : String(error),
        isError: true,
        durationMs: performance.now() - started,
      };
    }

    const id = `call_${state.steps + 1}`;
    return {
      steps: state.steps + 1,
      calls: [...state.calls, record],
      errors: record.isError ? [...state.errors, `${tool.server}.${tool.name}: ${record.result}`] : state.errors,
      servers: client.status(),
      messages: [
        ...state.messages,
        new AIMessage({ content: "", tool_calls: [{ id, name: tool.bridgedName, args: decision.args, type: "tool_call" }] }),
        new ToolMessage({
          tool_call_id: id,
          name: tool.bridgedName,
          content: record.result,
          status: record.isError ? "error" : "success",
        }),
      ],
    };
  };
}
