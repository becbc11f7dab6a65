import { pino } from 'pino';

/** The structured logger every part of the app receives (pino's interface). */
export type Logger = pino.Logger;

/** Field names whose values are secrets; pino replaces them with `[redacted]` wherever they appear. */
const SECRET_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * A JSON logger on stderr at `level`, so stdout stays the console chat's. `secrets` are scrubbed
 * from every message and error text as a last line of defence: no token ever reaches a log.
 */
export function createLogger(level: string, secrets: readonly string[] = []): Logger {
  const scrub = (text: string): string =>
    secrets.reduce((t, s) => (s ? t.split(s).join('[redacted]') : t), text);
  return pino(
    {
      level,
      redact: { paths: SECRET_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      serializers: {
        err: (e: unknown) => {
          const s = pino.stdSerializers.err(e as Error);
          return { ...s, message: scrub(s.message), stack: scrub(s.stack ?? '') };
        },
      },
    },
    pino.destination(2),
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
