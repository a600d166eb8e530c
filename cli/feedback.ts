import type { ElicitationAnswer, ElicitationInterrupt } from "../graph/index.js";
import type { LogMessage } from "../adapters/index.js";
import type { ToolProgress } from "./turns.js";

/** Redraws of the progress line per second at most; the last step always shows. */
const PROGRESS_REDRAWS_PER_SECOND = 10;
/** Longest log line printed with --verbose. */
const MAX_LOG_LINE_CHARS = 500;

/**
 * A server's text made safe for one terminal line: control characters (escape sequences, carriage
 * returns, newlines) become spaces, so a server cannot move the cursor or garble the screen.
 */
export function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** `[progress] math.add 3/5 (60%) step 3` */
export function formatProgress(update: ToolProgress, width = 80): string {
  const { progress, total } = update;
  const amount = total ? `${progress}/${total} (${Math.round((progress / total) * 100)}%)` : String(progress);
  return oneLine(`[progress] ${update.server}.${update.tool} ${amount}${update.message ? ` ${update.message}` : ""}`, Math.max(20, width - 1));
}

/**
 * The live progress line of a running tool call, redrawn in place on `stream` when it is a terminal
 * and never written otherwise (a log file or pipe gets no carriage returns). `clear()` before writing
 * anything else to the same terminal.
 */
export class ProgressLine {
  private shown = false;
  private lastDrawn = -Infinity;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  show(update: ToolProgress): void {
    if (this.stream.isTTY !== true) return;
    const now = performance.now();
    const last = update.total !== undefined && update.progress >= update.total;
    if (!last && now - this.lastDrawn < 1_000 / PROGRESS_REDRAWS_PER_SECOND) return;
    this.lastDrawn = now;
    this.stream.write(`\r\u001b[2K${formatProgress(update, this.stream.columns || 80)}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write("\r\u001b[2K");
    this.shown = false;
  }
}

/** `[log] math info (calc): computed 5 + 3` — one line, bounded. */
export function formatLog(server: string, message: LogMessage): string {
  const data = typeof message.data === "string" ? message.data : JSON.stringify(message.data);
  return oneLine(`[log] ${server} ${message.level}${message.logger ? ` (${message.logger})` : ""}: ${data ?? ""}`, MAX_LOG_LINE_CHARS);
}

type Property = { type?: string; title?: string; description?: string; default?: unknown; enum?: unknown[]; oneOf?: Array<{ const: string; title?: string }>; items?: { enum?: string[]; anyOf?: Array<{ const: string }> } };

/**
 * Asks a server's question at a terminal, one field at a time: Enter keeps a field's default (the
 * server fills it in) or leaves an optional field out; `/decline` and `/cancel` answer so at any
 * field; Ctrl-D cancels. Values are typed as the form says (numbers, yes/no, comma-separated lists);
 * one that does not fit comes back from the graph as the same question with the error.
 */
export async function askQuestion(question: ElicitationInterrupt, next: (prompt: string) => Promise<string | undefined>, print: (line: string) => void): Promise<ElicitationAnswer> {
  print(`[ask] ${question.server}.${question.tool} asks: ${oneLine(question.message, 500)}`);
  if (question.error) print(`[ask] ${oneLine(question.error, 500)}`);
  print("[ask] Enter keeps the default; /decline or /cancel to refuse.");
  const required = new Set(question.requestedSchema.required ?? []);
  const content: Record<string, string | number | boolean | string[]> = {};
  for (const [name, raw] of Object.entries(question.requestedSchema.properties)) {
    const property = raw as Property;
    const choices = property.enum?.map(String) ?? property.oneOf?.map((option) => option.const) ?? property.items?.enum ?? property.items?.anyOf?.map((option) => option.const);
    const hints = [property.type === "array" ? "comma-separated" : property.type, choices ? choices.join("|") : undefined, required.has(name) ? "required" : undefined].filter(Boolean).join(", ");
    const label = oneLine(property.title ?? property.description ?? name, 120);
    const shownDefault = property.default === undefined ? "" : ` [${oneLine(String(property.default), 60)}]`;
    const line = await next(`  ${label} (${hints})${shownDefault}: `);
    if (line === undefined) return { action: "cancel" };
    const text = line.trim();
    if (text === "/decline") return { action: "decline" };
    if (text === "/cancel") return { action: "cancel" };
    if (text === "") continue;
    content[name] = typed(property, text);
  }
  return { action: "accept", content };
}

function typed(property: Property, text: string): string | number | boolean | string[] {
  switch (property.type) {
    case "integer":
    case "number": {
      const value = Number(text);
      return Number.isFinite(value) ? value : text;
    }
    case "boolean":
      if (/^(y|yes|true)$/i.test(text)) return true;
      if (/^(n|no|false)$/i.test(text)) return false;
      return text;
    case "array":
      return text.split(",").map((item) => item.trim()).filter(Boolean);
    default:
      return text;
  }
}
