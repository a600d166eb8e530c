import { AIMessage, HumanMessage, ToolMessage, type BaseMessage, type MessageContent } from "@langchain/core/messages";
import type { Observation } from "./router.js";

/** The name the graph gives retry feedback on an invalid route; no user message has it. */
export const ROUTE_FEEDBACK_NAME = "route_feedback";

/** One exchange of a thread: what the user said, the calls made for it, and the reply. */
export interface Turn {
  /** The user's message that opened the turn. */
  message: string;
  /** The turn's tool calls with their results, in order. */
  observations: Observation[];
  /** The final AI message (no tool calls): the answer, or a question back to the user. Absent while the turn runs. */
  reply?: string;
}

/** What the route model reads from the thread the route node sends. */
export interface Conversation {
  /** Every turn, oldest first; the last is the current one (the last user message). */
  turns: Turn[];
  /** Retry feedback on an invalid route, after the current message. */
  feedback?: string;
  /** Tool calls in the whole thread, for call ids that stay unique in it. */
  callCount: number;
}

export function contentText(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content
    .map((part) => (typeof part === "string" ? part : part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}

/**
 * Splits a thread into turns. Each user message opens a turn; AI tool calls and the tool messages
 * answering them (matched by id) are that turn's observations; an AI message without tool calls
 * closes it. Human messages named {@link ROUTE_FEEDBACK_NAME} are retry feedback, not turns.
 */
export function readConversation(messages: readonly BaseMessage[]): Conversation {
  const turns: Turn[] = [];
  const calls = new Map<string, { name: string; args: Record<string, unknown> }>();
  let feedback: string | undefined;
  let callCount = 0;
  for (const message of messages) {
    const turn = turns.at(-1);
    if (HumanMessage.isInstance(message)) {
      if (message.name === ROUTE_FEEDBACK_NAME) feedback = contentText(message.content);
      else {
        turns.push({ message: contentText(message.content), observations: [] });
        feedback = undefined;
      }
    } else if (AIMessage.isInstance(message)) {
      const toolCalls = message.tool_calls ?? [];
      for (const call of toolCalls) {
        callCount++;
        calls.set(call.id ?? `#${callCount}`, { name: call.name, args: call.args as Record<string, unknown> });
      }
      const text = contentText(message.content).trim();
      if (turn && toolCalls.length === 0 && text !== "") turn.reply = text;
    } else if (ToolMessage.isInstance(message) && turn) {
      const call = calls.get(message.tool_call_id);
      turn.observations.push({
        tool: call?.name ?? message.name ?? "tool",
        args: call?.args ?? {},
        result: contentText(message.content),
        isError: message.status === "error",
      });
    }
  }
  if (turns.length === 0) turns.push({ message: "", observations: [] });
  return { turns, callCount, ...(feedback ? { feedback } : {}) };
}
