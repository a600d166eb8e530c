import type { ContentBlock } from "@langchain/core/messages";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** Characters of text one tool result may put before a model unless told otherwise. */
export const DEFAULT_MAX_RESULT_CHARS = 16_000;

/** Media a model may be handed as content blocks. */
export const MEDIA_KINDS = ["image", "audio"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * Which media the model takes in a tool result: `false` (none: a note stands for each), `true` (images
 * and audio), or a list (`["image"]` for a model that reads images but not sound).
 */
export type Multimodal = boolean | readonly MediaKind[];

export interface ResultContentOptions {
  /** Bound on the characters of text the model gets from one result, notes included (default 16 000). */
  maxResultChars?: number;
  /** Media passed to the model as LangChain content blocks (default `false`: a note instead). */
  multimodal?: Multimodal;
}

export type ModelContentBlock = ContentBlock.Text | ContentBlock.Multimodal.Image | ContentBlock.Multimodal.Audio;

/** A string when the model gets text only; a list of blocks when it also gets images or audio. */
export type ModelContent = string | ModelContentBlock[];

type Part = { text: string } | { media: ContentBlock.Multimodal.Image | ContentBlock.Multimodal.Audio };

/** Base64 strings this long in structured content are binary data, not words for a model. */
const MIN_BASE64_CHARS = 256;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const DATA_URI = /^data:([^;,]*)(?:;[^,]*)?;base64,/;

/**
 * What a model reads from an MCP tool result, in the order of its blocks: text as text; images and
 * audio as content blocks when `multimodal` allows them, otherwise a note with their type and size;
 * resource links and embedded resources by URI, name and MIME type (text resources inline, binary
 * ones as a note); `structuredContent` as compact JSON when the result has no text (unless it only
 * repeats the content blocks). Base64 never
 * becomes text. Text beyond `maxResultChars` is cut with a note; the result itself, whole, is for the
 * artifact.
 * @throws {RangeError} when `maxResultChars` is not a positive integer.
 */
export function modelContent(result: CallToolResult, options: ResultContentOptions = {}): ModelContent {
  const maxChars = options.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new RangeError(`maxResultChars must be a positive integer, got ${String(maxChars)}`);
  const media = mediaKinds(options.multimodal ?? false);
  const parts = renderParts(result, media);
  return assemble(bound(parts, maxChars));
}

/**
 * The same rendering as {@link modelContent}, always text (media as notes), and unbounded unless
 * `maxResultChars` is given: what a person or the code reading a call record sees.
 */
export function describeResult(result: CallToolResult, options: { maxResultChars?: number } = {}): string {
  const parts = renderParts(result, new Set());
  const text = options.maxResultChars === undefined ? parts : bound(parts, options.maxResultChars);
  return assemble(text) as string;
}

/**
 * A text cut to `maxResultChars` the way {@link modelContent} cuts a result (with its note): for text
 * that reaches a model by another way than a tool message, such as an error's message.
 */
export function boundText(text: string, maxResultChars = DEFAULT_MAX_RESULT_CHARS): string {
  return describeResult({ content: [{ type: "text", text }] }, { maxResultChars });
}

function mediaKinds(multimodal: Multimodal): ReadonlySet<MediaKind> {
  if (multimodal === true) return new Set(MEDIA_KINDS);
  if (multimodal === false) return new Set();
  return new Set(multimodal);
}

function renderParts(result: CallToolResult, media: ReadonlySet<MediaKind>): Part[] {
  const parts: Part[] = [];
  let hasText = false;
  for (const block of result.content) {
    switch (block.type) {
      case "text":
        hasText = true;
        parts.push({ text: block.text });
        break;
      case "image":
      case "audio":
        parts.push(
          media.has(block.type)
            ? { media: { type: block.type, mimeType: block.mimeType, data: block.data } }
            : { text: `(1 ${block.type}, ${block.mimeType}, ${formatBytes(base64Bytes(block.data))}, kept in the artifact)` },
        );
        break;
      case "resource_link": {
        const details = [block.mimeType, block.description].filter(Boolean).join(", ");
        parts.push({ text: `(resource link: ${block.name} <${block.uri}>${details ? `, ${details}` : ""})` });
        break;
      }
      case "resource": {
        const resource = block.resource;
        const mimeType = resource.mimeType ?? "unknown type";
        if ("text" in resource && typeof resource.text === "string") {
          parts.push({ text: `(resource <${resource.uri}>, ${mimeType}:)\n${resource.text}` });
          break;
        }
        const blob = "blob" in resource && typeof resource.blob === "string" ? resource.blob : "";
        const kind = MEDIA_KINDS.find((k) => mimeType.startsWith(`${k}/`));
        parts.push(
          kind && media.has(kind)
            ? { media: { type: kind, mimeType, data: blob } }
            : { text: `(resource <${resource.uri}>, ${mimeType}, ${formatBytes(base64Bytes(blob))}, kept in the artifact)` },
        );
        break;
      }
      default:
        parts.push({ text: `(a ${String((block as { type: unknown }).type)} block, kept in the artifact)` });
    }
  }
  if (!hasText && result.structuredContent !== undefined && !repeatsContent(result)) parts.push({ text: compactJson(result.structuredContent) });
  if (parts.length === 0) parts.push({ text: "(the tool returned no content)" });
  return parts;
}

/**
 * True when the structured content is the content blocks again, `{ content: [...] }` (what
 * server-filesystem's `read_media_file` sends to satisfy its output schema): the model has them already.
 */
function repeatsContent(result: CallToolResult): boolean {
  const structured = result.structuredContent;
  if (!structured || Object.keys(structured).length !== 1 || !Array.isArray(structured.content)) return false;
  return JSON.stringify(structured.content) === JSON.stringify(result.content);
}

/** Cuts the text parts so that, joined, they fit in `maxChars` with the note saying so. Media stay. */
function bound(parts: Part[], maxChars: number): Part[] {
  const texts = parts.filter((part): part is { text: string } => "text" in part);
  const total = texts.reduce((sum, part, i) => sum + part.text.length + (i > 0 ? 1 : 0), 0);
  if (total <= maxChars) return parts;
  const note = `\n… (cut at ${maxChars.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} characters; the rest is in the artifact)`;
  if (note.length >= maxChars) return [...parts.filter((part) => "media" in part), { text: note.trimStart().slice(0, maxChars) }];
  let room = maxChars - note.length;
  const kept: Part[] = [];
  let cut = false;
  for (const part of parts) {
    if ("media" in part) {
      kept.push(part);
      continue;
    }
    if (cut) continue;
    // A joining newline belongs to the part after it.
    const separator = kept.some((k) => "text" in k) ? 1 : 0;
    if (separator + part.text.length <= room) {
      kept.push(part);
      room -= separator + part.text.length;
      continue;
    }
    const head = sliceChars(part.text, Math.max(0, room - separator));
    kept.push({ text: head + note });
    cut = true;
  }
  return kept;
}

/** Joins adjacent text with newlines: a string when nothing else is left, blocks otherwise. */
function assemble(parts: Part[]): ModelContent {
  if (parts.every((part) => "text" in part)) return parts.map((part) => (part as { text: string }).text).join("\n");
  const blocks: ModelContentBlock[] = [];
  for (const part of parts) {
    const last = blocks.at(-1);
    if ("media" in part) blocks.push(part.media);
    else if (last?.type === "text") blocks[blocks.length - 1] = { type: "text", text: `${last.text}\n${part.text}` };
    else blocks.push({ type: "text", text: part.text });
  }
  return blocks;
}

/** The first `count` UTF-16 units, one fewer if that would split a surrogate pair. */
function sliceChars(text: string, count: number): string {
  const head = text.slice(0, count);
  const last = head.charCodeAt(head.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? head.slice(0, -1) : head;
}

/** JSON without whitespace, binary strings replaced by a note of their size. */
function compactJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== "string" || item.length < MIN_BASE64_CHARS) return item;
    const dataUri = DATA_URI.exec(item);
    if (dataUri) return `(${dataUri[1] || "data"}, ${formatBytes(base64Bytes(item.slice(dataUri[0].length)))} of base64, kept in the artifact)`;
    return BASE64.test(item) ? `(${formatBytes(base64Bytes(item))} of base64, kept in the artifact)` : item;
  });
}

function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
