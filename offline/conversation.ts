import { AIMessage, HumanMessage, ToolMessage, type BaseMessage, type MessageContent } from "@langchain/core/messages";
import type { Observation } from "./router.js";

/** What the route model reads from the conversation the route node sends. */
export interface Conversation {
  /** The current turn's user message. */
  question: string;
  /** Each completed tool call with its result, in order. */
  observations: Observation[];
  /** The latest retry feedback on an invalid route, when the route node sent one. */
  feedback?: string;
  /** Tool calls made so far, for deterministic call ids. */
  callCount: number;
}

function contentText(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content
    .map((part) => (typeof part === "string" ? part : part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}

/** Retry feedback from the graph's route node, told apart from the user by its name. */
const FEEDBACK_NAME = "route_feedback";

/**
 * Reads the current turn of a thread: its question (the last human message that is not feedback),
 * its observations (AI tool calls after that question matched with their tool messages by id) and
 * trailing retry feedback.
 */
export function readConversation(messages: readonly BaseMessage[]): Conversation {
  const isFeedback = (message: BaseMessage) => HumanMessage.isInstance(message) && message.name === FEEDBACK_NAME;
  let start = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (HumanMessage.isInstance(messages[i]) && !isFeedback(messages[i]!)) {
      start = i;
      break;
    }
  }
  const question = start >= 0 ? contentText(messages[start]!.content) : "";
  const calls = new Map<string, { name: string; args: Record<string, unknown> }>();
  const observations: Observation[] = [];
  let callCount = 0;
  const feedback: string[] = [];
  messages.forEach((message, index) => {
    if (AIMessage.isInstance(message)) callCount += message.tool_calls?.length ?? 0;
    if (index <= start) return;
    if (isFeedback(message)) {
      feedback.push(contentText(message.content));
    } else if (AIMessage.isInstance(message)) {
      for (const call of message.tool_calls ?? []) {
        calls.set(call.id ?? `#${calls.size + 1}`, { name: call.name, args: call.args as Record<string, unknown> });
      }
    } else if (ToolMessage.isInstance(message)) {
      const call = calls.get(message.tool_call_id);
      observations.push({
        tool: call?.name ?? message.name ?? "tool",
        args: call?.args ?? {},
        result: contentText(message.content),
        isError: message.status === "error",
      });
    }
  });
  const last = feedback.at(-1);
  return { question, observations, callCount, ...(last ? { feedback: last } : {}) };
}
