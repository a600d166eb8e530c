/**
 * The smallest graph that keeps a thread: one node that answers every human message with how many
 * messages it has seen. Tests of checkpointers compile it with the saver under test, so they do not
 * depend on the application's graph.
 */
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { END, MessagesAnnotation, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";

export function echoGraph(saver: BaseCheckpointSaver) {
  return new StateGraph(MessagesAnnotation)
    .addNode("reply", ({ messages }) => ({
      messages: [new AIMessage(`heard ${messages.length}: ${String(messages.at(-1)?.content)}`)],
    }))
    .addEdge(START, "reply")
    .addEdge("reply", END)
    .compile({ checkpointer: saver });
}

/** The thread's messages as `type: text` lines, what a person would read. */
export const transcript = (messages: BaseMessage[]) => messages.map((message) => `${message.getType()}: ${String(message.content)}`);
