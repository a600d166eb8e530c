import { AIMessage } from "@langchain/core/messages";
import type { GraphState, GraphUpdate } from "../state.js";
import { unavailableServersNote } from "../prompts.js";
import { describeUnavailable } from "../server-status.js";

/**
 * Settles the final answer: the model's own words (after tool calls, grounded in their results), or
 * the failure the graph ran into. When the model found no tool and some server was down, the answer
 * says which: that server's tools might have helped.
 */
export function respond(state: GraphState): GraphUpdate {
  const decision = state.decision?.decision;
  let answer = state.answer;
  if (!answer && decision?.action === "answer") answer = decision.answer;
  if (!answer && decision?.action === "ask") answer = decision.question;
  if (!answer) answer = "I could not answer the question.";

  const unavailable = describeUnavailable(state.catalog);
  const foundNoTool = state.calls.length === 0 && state.catalog.tools > 0;
  if (unavailable && foundNoTool) answer = `${answer} ${unavailableServersNote(unavailable)}`;

  return { answer, messages: [new AIMessage(answer)] };
}
