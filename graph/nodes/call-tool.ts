import { AIMessage, ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { boundText, describeResult, modelContent, type CallToolResult, type ModelContent } from "../../adapters/index.js";
import { ensureConfiguration } from "../configuration.js";
import type { GraphContext } from "../context.js";
import type { CallRecord, GraphState, GraphUpdate } from "../state.js";

/**
 * Calls the tool the route chose. Whatever happens — an `isError` result, a timeout, a server that
 * went away — ends up in state as an observation for the next route, never as a thrown error.
 * The model reads the result as `modelContent` renders it (bounded by `maxResultChars`, media as
 * blocks when `multimodal` says the model takes them, otherwise as notes); the whole MCP result is
 * the tool message's artifact, and the call record keeps its full text and structured content.
 */
export function callTool(context: GraphContext) {
  return async (state: GraphState, config: RunnableConfig): Promise<GraphUpdate> => {
    const decision = state.decision?.decision;
    if (decision?.action !== "call_tool") throw new Error("callTool ran without a call_tool decision");
    const { callTimeoutMs, maxResultChars, multimodal } = ensureConfiguration(config, context.defaults);
    const client = await context.clientFor(config);
    const { tools } = await context.catalogFor(config);
    const listed = tools.find((entry) => entry.bridgedName === decision.tool);
    // A tool whose server went away since the route still resolves, and its call fails with the reason.
    const known = listed ? { server: listed.server, tool: listed.name } : client.resolveTool(decision.tool);
    if (!known) throw new Error(`callTool ran for a tool this client never listed: ${decision.tool}`);
    const started = performance.now();
    let record: CallRecord;
    let content: ModelContent;
    let artifact: CallToolResult | undefined;
    try {
      const result = await client.callTool(known.server, known.tool, decision.args, {
        timeoutMs: callTimeoutMs,
        signal: config.signal,
      });
      record = {
        server: known.server,
        tool: known.tool,
        args: decision.args,
        result: describeResult(result),
        isError: result.isError === true,
        ...(result.structuredContent ? { structured: result.structuredContent } : {}),
        durationMs: performance.now() - started,
      };
      content = modelContent(result, { maxResultChars, multimodal });
      artifact = result;
    } catch (error) {
      record = {
        server: known.server,
        tool: known.tool,
        args: decision.args,
        result: error instanceof Error ? error.message : String(error),
        isError: true,
        durationMs: performance.now() - started,
      };
      content = boundText(record.result, maxResultChars);
    }

    // Unique within the thread, whose turns each start counting steps again.
    const id = `call_${state.messages.length + 1}`;
    return {
      steps: state.steps + 1,
      calls: [...state.calls, record],
      errors: record.isError ? [...state.errors, `${known.server}.${known.tool}: ${record.result}`] : state.errors,
      messages: [
        new AIMessage({ content: "", tool_calls: [{ id, name: decision.tool, args: decision.args, type: "tool_call" }] }),
        new ToolMessage({
          tool_call_id: id,
          name: decision.tool,
          content,
          status: record.isError ? "error" : "success",
          ...(artifact ? { artifact } : {}),
        }),
      ],
    };
  };
}
