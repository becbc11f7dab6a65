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

/** A gap between ticks of a 5 ms timer longer than this is reported by {@link watchStalls}. */
const STALL_MS = 50;

/**
 * When `enabled` (`BENCH_STALLS=1` in the benchmarks), prints to stderr each stall of the event
 * loop over {@link STALL_MS}, with when it ended (seconds since `since`, a `performance.now()`):
 * to find, with a `--cpu-prof` profile of the same run, what held the loop.
 */
export function watchStalls(since: number, enabled: boolean): { stop(): void } {
  if (!enabled) return { stop() {} };
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    if (now - last > STALL_MS) {
      // CPU time of the whole process (all its threads, GC helpers included) during the stall: near
      // the stall's length, the loop was busy; far below it, the process waited for a core.
      const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      process.stderr.write(
        `stall ${(now - last).toFixed(0)} ms ending at ${((now - since) / 1000).toFixed(2)} s (process time ${now.toFixed(0)} ms, CPU ${cpuMs.toFixed(0)} ms)\n`,
      );
    }
    last = now;
    lastCpu = cpu;
  }, 5);
  return { stop: () => clearInterval(timer) };
}
