import type { ElicitationAnswer, ElicitationInterrupt, ToolProgressEvent, UrlElicitationInterrupt } from "../graph/index.js";
import type { LogMessage, SamplingParams } from "../adapters/index.js";

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
export function formatProgress(update: ToolProgressEvent, width = 80): string {
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

  show(update: ToolProgressEvent): void {
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
  if (question.mode === "url") return askToOpen(question, next, print);
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

/** Longest URL shown; a longer one is cut, visibly. */
const MAX_URL_CHARS = 2_000;

/**
 * A server's URL as a person may safely read it: parsed (so spaces, control characters and
 * look-alike tricks in the host are percent- or punycode-encoded), on one line, with its host shown
 * apart, since the host is what decides where a click goes. Undefined for what is not a URL.
 */
export function showableUrl(url: string): { href: string; host: string; secure: boolean } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return { href: oneLine(parsed.href, MAX_URL_CHARS), host: oneLine(parsed.host || parsed.protocol, 200), secure: parsed.protocol === "https:" };
}

/**
 * A URL-mode question: the link is printed, never opened here; Enter once done there accepts,
 * `/decline` or `/cancel` refuses, Ctrl-D cancels.
 */
async function askToOpen(question: UrlElicitationInterrupt, next: (prompt: string) => Promise<string | undefined>, print: (line: string) => void): Promise<ElicitationAnswer> {
  const url = showableUrl(question.url);
  if (!url) {
    print(`[ask] ${question.server}.${question.tool} sent a link that is not a URL; declined.`);
    return { action: "decline" };
  }
  print(`[ask] ${question.server}.${question.tool} asks you to open a link (${url.host}${url.secure ? "" : ", not https"}): ${oneLine(question.message, 500)}`);
  print(`  ${url.href}`);
  for (;;) {
    const line = await next("[ask] Press Enter when you are done there, or type /decline or /cancel: ");
    if (line === undefined) return { action: "cancel" };
    const text = line.trim();
    if (text === "") return { action: "accept" };
    if (text === "/decline") return { action: "decline" };
    if (text === "/cancel") return { action: "cancel" };
  }
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

/** `"Resource … context: Write a haiku" (1 message, system prompt "You are …", up to 100 tokens)` */
export function samplingPreview(params: SamplingParams, max = 200): string {
  const texts = params.messages.flatMap((message) => (Array.isArray(message.content) ? message.content : [message.content]).flatMap((block) => (block.type === "text" ? [block.text] : [`(${block.type})`])));
  const media = params.messages.flatMap((message) => (Array.isArray(message.content) ? message.content : [message.content])).filter((block) => block.type !== "text").length;
  const count = `${params.messages.length} message${params.messages.length === 1 ? "" : "s"}${media ? `, ${media} media block${media === 1 ? "" : "s"}` : ""}`;
  const system = params.systemPrompt ? `, system prompt ${JSON.stringify(oneLine(params.systemPrompt, 80))}` : "";
  return `${JSON.stringify(oneLine(texts.at(-1) ?? "", max))} (${count}${system}, up to ${params.maxTokens} tokens)`;
}

/**
 * Asks a person whether a server's sampling request may go to the model (the spec's human in the
 * loop): the server and a short preview of what it sends; only `y`/`yes` sends it, Ctrl-D refuses.
 */
export async function askSampling(server: string, params: SamplingParams, next: (prompt: string) => Promise<string | undefined>, print: (line: string) => void): Promise<boolean> {
  print(`[sample] ${server} asks the model to answer: ${samplingPreview(params)}`);
  const answer = ((await next("[sample] Send it to the model? [y/N] ")) ?? "").trim().toLowerCase();
  return answer === "y" || answer === "yes";
}
