import type { LoggingMessageNotification, Progress } from "@modelcontextprotocol/sdk/types.js";

export type LogMessage = LoggingMessageNotification["params"];
/** One `notifications/progress` of a running call: `progress` (and `total`, `message` when the server sends them). */
export type ProgressUpdate = Pick<Progress, "progress" | "total" | "message">;

/** Longest progress message passed on; a live line has room for less anyway. */
export const MAX_PROGRESS_MESSAGE_CHARS = 200;
/** Longest log message passed on, as text (structured `data` longer than this as JSON becomes clipped text). */
export const MAX_LOG_CHARS = 2_000;
/** Log messages per server passed on per second, sustained, and in one burst. */
export const LOG_RATE_PER_SECOND = 20;
export const LOG_BURST = 100;
/** Progress of one call passed on at most this often (the last one, progress = total, always). */
export const MIN_PROGRESS_INTERVAL_MS = 20;

/** A progress update with its message bounded, or undefined when it comes too soon after the last one of the same call. */
export function progressGate(): (update: Progress) => ProgressUpdate | undefined {
  let last = -Infinity;
  return (update) => {
    const now = performance.now();
    const final = update.total !== undefined && update.progress >= update.total;
    if (!final && now - last < MIN_PROGRESS_INTERVAL_MS) return undefined;
    last = now;
    return {
      progress: update.progress,
      ...(update.total !== undefined ? { total: update.total } : {}),
      ...(update.message !== undefined ? { message: clip(update.message, MAX_PROGRESS_MESSAGE_CHARS) } : {}),
    };
  };
}

/**
 * One server's log stream, bounded: a token bucket of {@link LOG_BURST} refilled at
 * {@link LOG_RATE_PER_SECOND}; what it drops is counted and announced (a `warning` from the logger
 * `mcp-graph`) before the next message that passes. Long data is clipped.
 */
export class LogGate {
  private tokens = LOG_BURST;
  private refilled: number;
  private dropped = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.refilled = clock();
  }

  /** The messages to pass on for `message`: none, it, or a note on what was dropped and it. */
  admit(message: LogMessage): LogMessage[] {
    const now = this.clock();
    this.tokens = Math.min(LOG_BURST, this.tokens + ((now - this.refilled) / 1_000) * LOG_RATE_PER_SECOND);
    this.refilled = now;
    if (this.tokens < 1) {
      this.dropped++;
      return [];
    }
    this.tokens--;
    const admitted = { ...message, data: boundData(message.data) };
    if (this.dropped === 0) return [admitted];
    const note: LogMessage = {
      level: "warning",
      logger: "mcp-graph",
      data: `${this.dropped} log message${this.dropped === 1 ? "" : "s"} dropped: over ${LOG_RATE_PER_SECOND} per second`,
    };
    this.dropped = 0;
    return [note, admitted];
  }
}

function boundData(data: unknown): unknown {
  if (typeof data === "string") return clip(data, MAX_LOG_CHARS);
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch {
    return "(unserialisable log data)";
  }
  return json !== undefined && json.length > MAX_LOG_CHARS ? clip(json, MAX_LOG_CHARS) : data;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
