/** The outcome of a parser or validator: a value, or a message saying what is wrong. */
export type Result<T, E = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** Wraps a value as a successful {@link Result}. */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

/** Wraps a problem as a failed {@link Result}. */
export const err = <E = string>(error: E): Result<never, E> => ({ ok: false, error });
