/**
 * Timing and statistics helpers for the benchmarks: wall-clock samples in microseconds,
 * medians and percentiles (nearest rank), and a forced full GC between sections.
 */

/**
 * Microseconds since an arbitrary origin (sub-µs resolution).
 * @example
 * const t0 = nowUs(); await work(); const took = nowUs() - t0;
 */
export const nowUs = (): number => performance.now() * 1000;

/**
 * The q-quantile (0..1) of `samples`, nearest rank.
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2
 */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/**
 * The median (nearest rank).
 * @example
 * median([3, 1, 2]); // 2
 */
export const median = (samples: readonly number[]): number => quantile(samples, 0.5);
/**
 * The arithmetic mean.
 * @example
 * mean([1, 2, 3]); // 2
 */
export const mean = (samples: readonly number[]): number => samples.reduce((a, b) => a + b, 0) / samples.length;

/**
 * Runs `fn` `warmup` times untimed, then `n` times, returning each run's wall time in µs.
 * @example
 * const samples = await sample(1000, 100, () => turn());
 */
export async function sample(n: number, warmup: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = nowUs();
    await fn();
    out[i] = nowUs() - t0;
  }
  return out;
}

/**
 * A full, settled garbage collection (needs `--expose-gc`).
 * @example
 * await fullGc(); const before = process.memoryUsage().heapUsed;
 */
export async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Summary of a set of per-iteration samples (µs).
 * @example
 * const s: SampleSummary = summarize(samples); s.p99;
 */
export interface SampleSummary {
  n: number;
  median: number;
  p99: number;
  mean: number;
}

/**
 * Count, median, p99 and mean of `samples`.
 * @example
 * summarize([1, 2, 3]); // { n: 3, median: 2, p99: 3, mean: 2 }
 */
export const summarize = (samples: readonly number[]): SampleSummary => ({
  n: samples.length,
  median: median(samples),
  p99: quantile(samples, 0.99),
  mean: mean(samples),
});
