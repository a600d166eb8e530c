import type { BaseMessage } from "@langchain/core/messages";

/** The text of a message, whether its content is a string or a list of blocks. */
export function messageText(message: BaseMessage): string {
  const content = message.content;
  if (typeof content === "string") return content;
  return content.map((part) => (typeof part === "string" ? part : part.type === "text" && typeof part.text === "string" ? part.text : "")).join("");
}
