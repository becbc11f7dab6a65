/** Timing helpers shared by the benchmarks' child processes. */

/** The `p`th percentile of ascending `sorted` (nearest rank); 0 when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** Makes `calls` calls one after another; each one's duration in ms, ascending. */
export async function timeCalls(calls: number, call: (n: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < calls; n++) {
    const start = performance.now();
    await call(n);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}
