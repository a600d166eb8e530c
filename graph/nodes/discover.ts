import type { RunnableConfig } from "@langchain/core/runnables";
import { ensureConfiguration } from "../configuration.js";
import type { GraphContext } from "../context.js";
import { questionState, type GraphState, type GraphUpdate } from "../state.js";

export class InvalidQuestionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidQuestionError";
  }
}

/**
 * Connects to the configured servers (once; later only to retry failed ones) and records what they
 * offer now. A server that is down is recorded with its reason and skipped; routing works with the
 * tools of the rest.
 * @throws {InvalidQuestionError} when the input has no question.
 */
export function discover(context: GraphContext) {
  return async (state: GraphState, config: RunnableConfig): Promise<GraphUpdate> => {
    const question = typeof state.question === "string" ? state.question.trim() : "";
    if (!question) throw new InvalidQuestionError('the input needs a non-empty "question" string');
    const { servers } = ensureConfiguration(config, context.defaults);
    const client = await context.clientFor(servers);
    // A client handed in unconnected is connected here, and a server that failed earlier gets a fresh
    // attempt with each question, so one that comes back is used again without restarting the host.
    // One that is reconnecting after a drop is not waited for: its backoff can take seconds.
    const states = Object.values(client.status()).map((status) => status.state);
    if (states.includes("failed") || states.includes("connecting")) await client.connect();
    return questionState(question, client.catalog(), client.status());
  };
}
