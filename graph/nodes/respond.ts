import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { ensureConfiguration } from "../configuration.js";
import type { GraphContext } from "../context.js";
import { messageText } from "../messages.js";
import { answerFailureAnswer, RESPOND_SYSTEM_PROMPT, respondContext, respondResult, unavailableServersNote } from "../prompts.js";
import { streamsTokens } from "../route-model.js";
import { describeUnavailable } from "../server-status.js";
import type { GraphState, GraphUpdate } from "../state.js";
import { addUsage, describeError } from "./route.js";
import { boundText } from "../../adapters/index.js";

/**
 * Settles the final answer: the model's own words (after tool calls, grounded in their results), or
 * the failure the graph ran into. When the model found no tool and some server was down, the answer
 * says which: that server's tools might have helped.
 *
 * When someone listens for tokens (`streamMode: "messages"`, Studio's chat, `npm start`'s step view)
 * and the model can stream, the answer the route decided on is written again by a plain model call
 * that streams: the route's structured output is never shown, and the user reads the answer as it
 * comes. That call sees the conversation, this turn's tool results as text, and the route's answer as
 * a draft; should it fail, the draft is the answer, saying so. Otherwise (`invoke`, the offline
 * router) the route's answer is the answer, and the `messages` stream carries it as one message.
 * Either way `answer` and the last AI message hold the whole answer.
 */
export function respond(context: GraphContext) {
  return async (state: GraphState, config: RunnableConfig): Promise<GraphUpdate> => {
    const decision = state.decision?.decision;
    let answer = state.answer;
    let written: { text: string; message: AIMessage } | undefined;
    const update: GraphUpdate = {};
    if (!answer && decision?.action === "answer") {
      const { model: name, modelTimeoutMs, maxResultChars } = ensureConfiguration(config, context.defaults);
      try {
        const model = await context.modelFor(name, modelTimeoutMs);
        if (streamsTokens(model, config)) {
          const message = (await model.invoke(answerPrompt(state, decision.answer, maxResultChars), config)) as AIMessage;
          const text = messageText(message).trim();
          if (!text) throw new Error("the model's answer was empty");
          written = { text, message };
          update.usage = addUsage(state.usage, message);
        }
        answer = written?.text ?? decision.answer;
      } catch (error) {
        const reason = describeError(error);
        answer = answerFailureAnswer(decision.answer, reason);
        Object.assign(update, { modelFailure: reason, errors: [...state.errors, `respond: ${reason}`] });
      }
    }
    if (!answer && decision?.action === "ask") answer = decision.question;
    if (!answer) answer = "I could not answer the question.";

    const unavailable = describeUnavailable(state.catalog);
    const foundNoTool = state.calls.length === 0 && state.catalog.tools > 0;
    if (unavailable && foundNoTool) answer = `${answer} ${unavailableServersNote(unavailable)}`;

    // The streamed message's id when it is the whole answer, so a `messages` consumer sees it once;
    // a fresh message when the answer says more than was streamed.
    const id = written && written.text === answer ? written.message.id : undefined;
    return { ...update, answer, messages: [new AIMessage({ content: answer, ...(id ? { id } : {}) })] };
  };
}

/**
 * What the answer call reads: the instructions with this turn's tool results and the draft, then the
 * conversation's words (user messages and earlier answers). Tool calls and tool messages stay out, so
 * no provider asks for the tools that made them (Anthropic refuses tool blocks without `tools`).
 */
function answerPrompt(state: GraphState, draft: string, maxResultChars: number): BaseMessage[] {
  // Bounded like the tool messages the route saw: the call record keeps the whole text for code.
  const results = state.calls.map((call) => respondResult(`${call.server}.${call.tool}`, call.args, boundText(call.result, maxResultChars), call.isError));
  const conversation = state.messages.filter(
    (message) => HumanMessage.isInstance(message) || (AIMessage.isInstance(message) && !message.tool_calls?.length && messageText(message).trim() !== ""),
  );
  return [new SystemMessage(`${RESPOND_SYSTEM_PROMPT}\n\n${respondContext(results, draft)}`), ...conversation];
}
