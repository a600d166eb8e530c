/**
 * One call's time budget and cancellation: a signal that fires when the timeout passes or the
 * caller's own signal fires, whichever is first. It spans everything the call waits for
 * (a reconnection, the request itself, a retry), so the timeout is the caller's total wait.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private end = 0;
  private timer: NodeJS.Timeout | undefined;
  // While held (a question waits for a person), the clock stops: what is left when held is left when released.
  private holds = 0;
  private heldRemaining = 0;
  private disposed = false;
  private readonly onParentAbort: () => void;

  constructor(
    readonly timeoutMs: number,
    private readonly parent?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    this.arm(timeoutMs);
    this.onParentAbort = () => this.controller.abort(parent?.reason);
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener("abort", this.onParentAbort, { once: true });
  }

  /** Milliseconds left, at least 1 so it can be handed to APIs that reject 0. */
  remaining(): number {
    return Math.max(1, this.holds > 0 ? this.heldRemaining : this.end - Date.now());
  }

  /**
   * Stops the clock until the returned function is called (once per hold; holds nest): time a
   * person takes to answer a server's question is not the server's time.
   */
  hold(): () => void {
    if (this.holds++ === 0 && !this.signal.aborted) {
      this.heldRemaining = Math.max(1, this.end - Date.now());
      clearTimeout(this.timer);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && !this.signal.aborted && !this.disposed) this.arm(this.heldRemaining);
    };
  }

  private arm(ms: number): void {
    this.end = Date.now() + ms;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new DOMException("timed out", "TimeoutError")), ms);
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
    this.disposed = true;
    clearTimeout(this.timer);
    this.parent?.removeEventListener("abort", this.onParentAbort);
  }
}

function isTimeoutReason(reason: unknown): boolean {
  return typeof reason === "object" && reason !== null && "name" in reason && reason.name === "TimeoutError";
}
