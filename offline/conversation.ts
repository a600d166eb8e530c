import { AIMessage, HumanMessage, ToolMessage, type BaseMessage, type MessageContent } from "@langchain/core/messages";
import type { Observation } from "./router.js";

/** What the route model reads from the conversation the route node sends. */
export interface Conversation {
  /** The first human message: the user's question. */
  question: string;
  /** Each completed tool call with its result, in order. */
  observations: Observation[];
  /** A later human message that ends the conversation: feedback on an invalid route. */
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

/**
 * Reads the question (first human message), the observations (AI tool calls matched with their tool
 * messages by id) and trailing retry feedback.
 */
export function readConversation(messages: readonly BaseMessage[]): Conversation {
  let question: string | undefined;
  const calls = new Map<string, { name: string; args: Record<string, unknown> }>();
  const observations: Observation[] = [];
  let callCount = 0;
  for (const message of messages) {
    if (HumanMessage.isInstance(message)) {
      question ??= contentText(message.content);
    } else if (AIMessage.isInstance(message)) {
      for (const call of message.tool_calls ?? []) {
        callCount++;
        calls.set(call.id ?? `#${callCount}`, { name: call.name, args: call.args as Record<string, unknown> });
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
  }
  const last = messages.at(-1);
  const feedback =
    last && HumanMessage.isInstance(last) && messages.findIndex((m) => HumanMessage.isInstance(m)) !== messages.length - 1
      ? contentText(last.content)
      : undefined;
  return { question: question ?? "", observations, callCount, ...(feedback ? { feedback } : {}) };
}
