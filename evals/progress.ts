/** Where progress goes: a terminal gets a redrawn bar, anything else (CI logs, files) plain lines. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Progress of an eval run on stderr. A bar redrawn in place when the sink is a terminal; otherwise a
 * line at every tenth of the run, so a CI log shows movement without thousands of lines.
 */
export class Progress {
  private done = 0;
  private failed = 0;
  private readonly started = performance.now();
  private readonly every: number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
  ) {
    this.every = Math.max(1, Math.ceil(total / 10));
  }

  /** Records one finished item. */
  tick(ok: boolean): void {
    this.done += 1;
    if (!ok) this.failed += 1;
    if (this.sink.isTTY) this.sink.write(`\r${this.bar()}`);
    else if (this.done % this.every === 0 || this.done === this.total) this.sink.write(`${this.status()}\n`);
  }

  /** Ends the bar's line so that what follows starts on a fresh one. */
  finish(): void {
    if (this.sink.isTTY && this.done > 0) this.sink.write("\n");
  }

  private status(): string {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    return `eval: ${this.done}/${this.total} items, ${this.failed} failed, ${seconds} s`;
  }

  private bar(): string {
    const status = this.status();
    const width = Math.max(10, Math.min(40, (this.sink.columns ?? 80) - status.length - 4));
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width);
    return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${status}`;
  }
}
