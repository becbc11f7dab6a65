import { Writable } from 'node:stream';
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

/** Where the log lines go. */
export interface LogOutput {
  /** Append the JSON lines to this file (its folder is created) instead of writing them to stderr. */
  readonly file?: string;
  /**
   * Also write warnings and errors to this stream as one short plain line each (`warning: …`): the
   * console chat on a terminal keeps its screen for the chat, but a problem still shows.
   */
  readonly alerts?: NodeJS.WritableStream;
}

/** pino's numeric levels at and above `warn`, named as a person would read them. */
const ALERT_LABELS: Readonly<Record<number, string>> = { 40: 'warning', 50: 'error', 60: 'fatal' };

/** One plain line per warning or error, from pino's JSON lines. */
function alertLines(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
          const label = ALERT_LABELS[entry.level ?? 0] ?? 'log';
          const detail = entry.err?.message ? ` (${entry.err.message})` : '';
          out.write(`${label}: ${entry.msg ?? ''}${detail}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

/**
 * A JSON logger at `level` — on stderr, so stdout stays the console chat's, or in `output.file`.
 * `secrets` are scrubbed from every message and error text as a last line of defence: no token ever
 * reaches a log.
 */
export function createLogger(level: string, secrets: readonly string[] = [], output: LogOutput = {}): Logger {
  const scrub = (text: string): string =>
    secrets.reduce((t, s) => (s ? t.split(s).join('[redacted]') : t), text);
  const main = output.file
    ? pino.destination({ dest: output.file, append: true, mkdir: true, sync: true })
    : pino.destination(2);
  const destination = output.alerts
    ? pino.multistream([
        { level: 'trace', stream: main },
        { level: 'warn', stream: alertLines(output.alerts) },
      ])
    : main;
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
    destination,
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
