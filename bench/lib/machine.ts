import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * What the machine did besides the bench: benchmarks here share 2 cores with whatever else runs
 * (other test suites, a type-check), so each run reports how busy the machine was in all, and the
 * benches subtract their own processes' CPU time to show the rest.
 */

/** Clock ticks per second of `/proc/stat` (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** Busy CPU time of the whole machine so far, in milliseconds (Linux; 0 elsewhere). */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal …
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, t) => sum + (t ?? 0), 0);
    return (ticks / USER_HZ) * 1000;
  } catch {
    return 0;
  }
}

/** `Intel(R) Xeon(R) Processor, 2 cores, Node v20.20.2` — the machine line of a report. */
export function machineLine(): string {
  const list = cpus();
  return `${list[0]?.model ?? 'unknown CPU'}, ${list.length} cores, Node ${process.version}`;
}
