/** The source of "now". Production uses {@link systemClock}; tests pass a clock they can set. */
export interface Clock {
  now(): Date;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => new Date() };
