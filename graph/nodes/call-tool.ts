import { AIMessage, ToolMessage } from "@langchain/core/messages";
import { isGraphInterrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { boundText, describeResult, modelContent, type CallToolResult, type ElicitationParams, type ModelContent } from "../../adapters/index.js";
import { ensureConfiguration } from "../configuration.js";
import type { GraphContext } from "../context.js";
import { driveCall, elicitationInterrupt, LiveCall, liveCallKey, type ElicitationInterrupt, type ToolProgressEvent } from "../elicitation.js";
import type { CallRecord, GraphState, GraphUpdate } from "../state.js";

/**
 * Calls the tool the route chose. Whatever happens — an `isError` result, a timeout, a server that
 * went away — ends up in state as an observation for the next route, never as a thrown error.
 * The model reads the result as `modelContent` renders it (bounded by `maxResultChars`, media as
 * blocks when `multimodal` says the model takes them, otherwise as notes); the whole MCP result is
 * the tool message's artifact, and the call record keeps its full text and structured content.
 *
 * A question the server asks during the call (elicitation) interrupts the run with an
 * {@link ElicitationInterrupt}; the call stays open and the resume's answer goes to it (see
 * `driveCall`). Progress the server reports goes to the `custom` stream as
 * `{ type: "progress", server, tool, progress, total?, message? }`.
 */
export function callTool(context: GraphContext) {
  return async (state: GraphState, config: LangGraphRunnableConfig): Promise<GraphUpdate> => {
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
    const key = liveCallKey(config);
    const call =
      (key !== undefined ? context.liveCalls.take(key) : undefined) ??
      new LiveCall((signal, onElicitation, onProgress) =>
        client.callTool(known.server, known.tool, decision.args, { timeoutMs: callTimeoutMs, signal, onElicitation, onProgress }),
      );
    // A call kept from an earlier run reports to this one now.
    call.attach(config.signal, (update) => config.writer?.({ type: "progress", server: known.server, tool: known.tool, ...update } satisfies ToolProgressEvent));
    const describe = (params: ElicitationParams, error?: string): ElicitationInterrupt => elicitationInterrupt(known.server, known.tool, params, error);
    try {
      const outcome = await driveCall(call, key, context.liveCalls, describe).finally(() => call.release());
      if (!outcome.ok) throw outcome.error;
      const result = outcome.result;
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
      // The run pauses for a person; the call waits for the answer.
      if (isGraphInterrupt(error)) throw error;
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
