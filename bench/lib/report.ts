/**
 * How a benchmark reports: one JSON line per figure on stdout, which `bench/run.ts` relays and sums
 * up in its table. Anything else a benchmark says goes on stdout as a note line starting with `#`.
 */

/** One measured figure. */
export interface Figure {
  /** The benchmark's name, e.g. `fanout-open`. */
  readonly bench: string;
  /** What was measured, e.g. `ours.rate`. */
  readonly metric: string;
  readonly value: number;
  /** `msg/s`, `ms`, `count`, `×`, `%`… */
  readonly unit: string;
  /** The target in words, e.g. `≥ 0.4 × bare`. */
  readonly target?: string;
  /** Whether the target was met (only with a target). */
  readonly ok?: boolean;
}

/** Prints a figure as one JSON line. */
export function emit(figure: Figure): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/** Prints a note line (not a figure). */
export function note(text: string): void {
  process.stdout.write(`# ${text}\n`);
}

/** Whether a line of a benchmark's output is a {@link Figure}; the parsed figure or `undefined`. */
export function parseFigure(line: string): Figure | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const f = value as Partial<Figure>;
    if (typeof f.bench !== 'string' || typeof f.metric !== 'string' || typeof f.value !== 'number') {
      return undefined;
    }
    return f as Figure;
  } catch {
    return undefined;
  }
}

/** Rounds to `digits` decimals (figures are read by people). */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
