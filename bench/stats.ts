/** Summary of latency samples, in the samples' unit (milliseconds throughout the bench). */
export interface Summary {
  n: number;
  median: number;
  p99: number;
  mean: number;
  min: number;
}

/** Nearest-rank percentile of sorted samples; `q` in [0, 1]. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    median: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    min: sorted[0] ?? Number.NaN,
  };
}

/**
 * One contender of a comparison: `run` performs a single timed operation. A `selfTimed` variant
 * resolves with its own duration in ms instead, for operations whose set-up or tear-down is not
 * part of what is measured.
 */
export interface Variant {
  name: string;
  run: () => Promise<unknown>;
  selfTimed?: boolean;
}

export interface InterleaveOptions {
  /** Untimed operations per variant before any timing, so JIT and connection pools settle. */
  warmup: number;
  /** Timed rounds; every round runs one batch of each variant. */
  rounds: number;
  /** Operations per variant per round. */
  batch: number;
  /**
   * Called before each timed batch (outside the timing); the function it returns is called after the
   * batch with the number of operations it ran. For costs read per batch, such as CPU time.
   */
  aroundBatch?: (variant: string) => Promise<(operations: number) => Promise<void>>;
}

/**
 * Times the variants against each other in the same process. Batches go round robin and the order
 * rotates every round, so drift (GC pressure, CPU frequency, a noisy neighbour) lands on every variant
 * alike instead of on whichever ran last.
 */
export async function interleave(variants: readonly Variant[], options: InterleaveOptions): Promise<Map<string, number[]>> {
  for (const variant of variants) {
    for (let i = 0; i < options.warmup; i++) await variant.run();
  }
  const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length]!;
      const into = samples.get(variant.name)!;
      const finish = await options.aroundBatch?.(variant.name);
      for (let i = 0; i < options.batch; i++) {
        const started = performance.now();
        const result = await variant.run();
        into.push(variant.selfTimed ? (result as number) : performance.now() - started);
      }
      await finish?.(options.batch);
    }
  }
  return samples;
}
