import { AIMessage, ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { interrupt } from "@langchain/langgraph";
import { approvalReason, approvalRecord, parseHumanResponse, type HumanInterrupt } from "../approval.js";
import { ensureConfiguration } from "../configuration.js";
import type { GraphContext } from "../context.js";
import { approvalDescription, cannotAskAnswer, declinedAnswer, declinedToolResult } from "../prompts.js";
import type { ApprovalRecord, GraphState, GraphUpdate } from "../state.js";

/**
 * Stops before a call the approval policy does not let through and waits for a person with
 * LangGraph's `interrupt()`: accept runs the call, edit runs it with new arguments (validated like
 * any other), ignore ends the turn without it, and a text response goes back to the model instead of
 * the call. Either way the decision is recorded in `approvals`.
 */
export function approve(context: GraphContext) {
  return async (state: GraphState, config: RunnableConfig): Promise<GraphUpdate> => {
    const decision = state.decision?.decision;
    if (decision?.action !== "call_tool") throw new Error("approve ran without a call_tool decision");
    const { approval } = ensureConfiguration(config, context.defaults);
    const { tools } = await context.catalogFor(config);
    const tool = tools.find((entry) => entry.bridgedName === decision.tool);
    // A tool that vanished since the route is callTool's to report.
    const why = tool && approvalReason(tool, approval);
    const target = tool ? `${tool.server}.${tool.name}` : decision.tool;
    const recorded = (kind: ApprovalRecord["decision"]) => [...state.approvals, approvalRecord(decision, tool, kind)];
    if (!why) return { approvals: recorded("auto") };

    const request: HumanInterrupt = {
      action_request: { action: decision.tool, args: decision.args },
      config: { allow_accept: true, allow_edit: true, allow_respond: true, allow_ignore: true },
      description: approvalDescription(target, decision.args, why),
    };
    // Re-run from the top on resume: everything above is cheap and deterministic.
    let resumed: unknown;
    try {
      resumed = interrupt([request]);
    } catch (error) {
      // Without a checkpointer a run cannot pause; the call is not made, and the answer says why.
      if ((error as { lc_error_code?: string }).lc_error_code !== "MISSING_CHECKPOINTER") throw error;
      return { approvals: recorded("unasked"), answer: cannotAskAnswer(target, why) };
    }
    const response = parseHumanResponse(resumed);

    switch (response.type) {
      case "accept":
        return { approvals: recorded("accept") };
      case "edit": {
        const args = response.args.args;
        const edited = { ...state.decision!, decision: { ...decision, args } };
        return { decision: edited, approvals: [...state.approvals, approvalRecord(edited.decision, tool, "edit")] };
      }
      case "ignore":
        return { approvals: recorded("ignore"), answer: declinedAnswer(target) };
      case "response": {
        // The call is shown as declined in the thread, with the person's words as its result, so the
        // model (and a chat UI) sees what happened and answers from there.
        const id = `call_${state.messages.length + 1}`;
        return {
          approvals: recorded("response"),
          decision: null,
          messages: [
            new AIMessage({ content: "", tool_calls: [{ id, name: decision.tool, args: decision.args, type: "tool_call" }] }),
            new ToolMessage({ tool_call_id: id, name: decision.tool, content: declinedToolResult(response.args), status: "error" }),
          ],
        };
      }
    }
  };
}

/** Where the graph goes after `approve`. */
export function afterApprove(state: GraphState): "callTool" | "respond" | "route" {
  if (state.answer) return "respond";
  return state.decision?.decision.action === "call_tool" ? "callTool" : "route";
}
