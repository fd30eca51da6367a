/**
 * Allocation per run for the benchmarks: heap growth of runs no garbage collection overlapped.
 * Unlike wall time, it does not depend on the machine's load, so it shows whether a cost grows
 * with depth even when timings on a shared machine are noisy.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/**
 * Runs `fn` `n` times like `sample`: each run's wall time (µs), and the V8 used-heap growth
 * (bytes) of each run that no garbage collection overlapped (a collection frees memory, so
 * those runs are left out; `bytes` is shorter than `us` by their count).
 * @example
 * const { us, bytes } = await sampleWithBytes(200, () => userTurn(thread));
 */
export async function sampleWithBytes(n: number, fn: () => Promise<unknown>): Promise<{ us: number[]; bytes: number[] }> {
  const collections: Array<[number, number]> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push([entry.startTime, entry.startTime + entry.duration]);
  });
  observer.observe({ entryTypes: ['gc'] });
  const runs: Array<{ from: number; to: number; grew: number }> = [];
  const us: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const from = performance.now();
      const before = getHeapStatistics().used_heap_size;
      const t0 = performance.now();
      await fn();
      const t1 = performance.now();
      const after = getHeapStatistics().used_heap_size;
      us.push((t1 - t0) * 1000);
      runs.push({ from, to: performance.now(), grew: after - before });
    }
    // GC entries reach the observer asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    observer.disconnect();
  }
  const quiet = runs.filter((run) => !collections.some(([start, end]) => start <= run.to && end >= run.from));
  return { us, bytes: quiet.map((run) => run.grew) };
}
