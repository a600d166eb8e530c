import type { MessageContent } from "@langchain/core/messages";

/** A run of base64 this long is binary data; no text a model reads should hold one. */
export const BASE64_RUN = /[A-Za-z0-9+/]{200,}/;

/** The text parts of a message's content, each as it stands (a string content is one part). */
export function textParts(content: MessageContent): string[] {
  if (typeof content === "string") return [content];
  return content.flatMap((part) => (typeof part === "object" && part.type === "text" && typeof part.text === "string" ? [part.text] : []));
}

/** Characters of text a model reads from the content: the text parts, joined by newlines. */
export function textLength(content: MessageContent): number {
  return textParts(content).join("\n").length;
}

/** The content's non-text blocks, by type, MIME type and data. */
export function mediaBlocks(content: MessageContent): Array<{ type: string; mimeType?: string; data?: string }> {
  if (typeof content === "string") return [];
  return content.flatMap((part) => (typeof part === "object" && part.type !== "text" ? [part as { type: string; mimeType?: string; data?: string }] : []));
}
