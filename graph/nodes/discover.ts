import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { GraphContext } from "../context.js";
import { messageText } from "../messages.js";
import { summarize } from "../server-status.js";
import { turnState, type GraphState, type GraphUpdate } from "../state.js";

/** How long a turn waits for a reconnect already under way before routing without that server. */
const SETTLE_MS = 1000;

export class InvalidQuestionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidQuestionError";
  }
}

/**
 * Starts a turn: takes the user's new message (a `question`, or the last message the input added),
 * resets this turn's fields, connects to the configured servers (once; later only to retry failed
 * ones) and records what they offer now. A server that is down is recorded with its reason and
 * skipped; routing works with the tools of the rest.
 * @throws {InvalidQuestionError} when the input brings no user message.
 */
export function discover(context: GraphContext) {
  return async (state: GraphState, config: RunnableConfig): Promise<GraphUpdate> => {
    const question = typeof state.question === "string" ? state.question.trim() : "";
    const added: BaseMessage[] = [];
    if (question) {
      added.push(new HumanMessage(question));
    } else {
      const last = state.messages.at(-1);
      if (!last || !HumanMessage.isInstance(last) || !messageText(last).trim()) {
        throw new InvalidQuestionError('the input needs a user message: {"messages": [{"role": "user", "content": "…"}]} or {"question": "…"}');
      }
    }

    const client = await context.clientFor(config);
    // A client handed in unconnected is connected here, and a server that failed earlier gets a fresh
    // attempt with each question, so one that comes back is used again without restarting the host.
    const states = Object.values(client.status()).map((status) => status.state);
    if (states.includes("failed") || states.includes("connecting")) await client.connect();
    // A reconnect already under way (a server restarted a moment ago) gets a short, bounded wait, so
    // the question is not told the server is unavailable.
    if (Object.values(client.status()).some((status) => status.state === "reconnecting")) await client.settle(SETTLE_MS);
    const { tools, version } = await context.catalogFor(config);
    return { ...turnState(), messages: added, catalog: summarize(version, tools, client.status()) };
  };
}
