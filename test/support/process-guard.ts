/**
 * Records every unhandled rejection and uncaught exception while installed. Vitest reports these too,
 * but only after the fact and without saying which test caused them; a test that asserts `seen` is
 * empty fails at the fault that caused it.
 */
export interface ProcessGuard {
  readonly seen: Array<{ kind: "unhandledRejection" | "uncaughtException"; error: unknown }>;
  dispose(): void;
}

export function installProcessGuard(): ProcessGuard {
  const seen: ProcessGuard["seen"] = [];
  const onRejection = (error: unknown) => void seen.push({ kind: "unhandledRejection", error });
  const onException = (error: unknown) => void seen.push({ kind: "uncaughtException", error });
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    seen,
    dispose() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
}

/** Readable form of what the guard saw, for assertion messages. */
export function describeSeen(guard: ProcessGuard): string {
  return guard.seen.map(({ kind, error }) => `${kind}: ${error instanceof Error ? error.stack : String(error)}`).join("\n");
}

/**
 * Rejects when `promise` has not settled within `ms`: a hung call fails the test with a message
 * instead of running into vitest's timeout.
 */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
