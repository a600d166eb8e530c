/**
 * One call's time budget and cancellation: a signal that fires when the timeout passes or the
 * caller's own signal fires, whichever is first. It spans everything the call waits for
 * (a reconnection, the request itself, a retry), so the timeout is the caller's total wait.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly end: number;
  private readonly timer: NodeJS.Timeout;
  private readonly onParentAbort: () => void;

  constructor(
    readonly timeoutMs: number,
    private readonly parent?: AbortSignal,
  ) {
    this.end = Date.now() + timeoutMs;
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.controller.abort(new DOMException("timed out", "TimeoutError")), timeoutMs);
    this.onParentAbort = () => this.controller.abort(parent?.reason);
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener("abort", this.onParentAbort, { once: true });
  }

  /** Milliseconds left, at least 1 so it can be handed to APIs that reject 0. */
  remaining(): number {
    return Math.max(1, this.end - Date.now());
  }

  /** The caller cancelled (as opposed to the timeout passing). A parent timeout signal counts as a timeout. */
  get cancelled(): boolean {
    return this.parent?.aborted === true && !isTimeoutReason(this.parent.reason);
  }

  get expired(): boolean {
    return this.signal.aborted && !this.cancelled;
  }

  /** Resolves with `promise` or rejects with the abort reason, whichever comes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.signal.reason);
      this.signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          this.signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener("abort", this.onParentAbort);
  }
}

function isTimeoutReason(reason: unknown): boolean {
  return typeof reason === "object" && reason !== null && "name" in reason && reason.name === "TimeoutError";
}
