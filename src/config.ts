import { dirname, join } from 'node:path';
import { z } from 'zod';
import { languageCodes, parseTime, parseTimezone } from './core/parse.js';
import { type LanguageCode, languageFromLocale, resolveLanguage } from './i18n/translator.js';

/**
 * Defaults for every optional setting, in one place.
 * @see README.md "Configuration" (and `.env.example`, which lists every variable)
 */
export const DEFAULTS = {
  /** Telegram's broadcast limit for bots without paid broadcasts. */
  TELEGRAM_MAX_PER_SECOND: 30,
  DATABASE_FILE: 'data/db.json',
  /** Connections each process keeps to PostgreSQL (with `DATABASE_URL`). */
  DATABASE_POOL_SIZE: 10,
  BRIEFING_TIMEZONE: 'Asia/Shanghai',
  DEFAULT_DELIVERY_TIME: '08:00',
  LOG_LEVEL: 'info',
  DEFAULT_LANGUAGE: 'en',
  /** How often each feed on the news wire is read. */
  FEED_POLL_MINUTES: 10,
  /** How often a standby process tries to take the lead (several processes on one `DATABASE_URL`). */
  LEADER_RETRY_SECONDS: 5,
} as const;

/** A standby tries the leader lock at least once a minute (the takeover bound is this plus 6 s). */
const LEADER_RETRY_SECONDS_RANGE = [1, 60] as const;
/** Discord caps shards far below this; a larger count is a typo. */
const DISCORD_SHARD_COUNT_LIMIT = 65_536;

/** Feeds are read at most once a minute and at least once a day. */
const FEED_POLL_MINUTES_RANGE = [1, 1440] as const;

/** A pool of 1 to 100 connections; PostgreSQL's own default allows 100 in all. */
const DATABASE_POOL_SIZE_RANGE = [1, 100] as const;

/** Telegram allows paid broadcasts up to 1,000 messages per second. */
const TELEGRAM_MAX_PER_SECOND_LIMIT = 1000;

/** The validated configuration; nothing else reads the environment. */
export interface Config {
  readonly telegram?: {
    readonly token: string;
    readonly apiRoot?: string;
    readonly webhook?: { readonly url: string; readonly port: number; readonly secret: string };
    readonly maxPerSecond: number;
  };
  readonly discord?: {
    readonly token: string;
    readonly applicationId: string;
    readonly apiUrl?: string;
    readonly guildId?: string;
    /**
     * The gateway shards this process runs (`DISCORD_SHARDS` of `DISCORD_SHARD_COUNT`); absent:
     * discord.js's default, every shard Discord recommends, in this process.
     */
    readonly shards?: { readonly ids: readonly number[]; readonly count: number };
  };
  readonly adminTelegramIds: readonly string[];
  readonly adminDiscordIds: readonly string[];
  /** The lowdb store's manifest (`DATABASE_FILE`), used when {@link database} is absent. */
  readonly databaseFile: string;
  /**
   * The PostgreSQL store, when `DATABASE_URL` is set: it then replaces the lowdb store, and several
   * processes may share it (one leads, see `src/cluster/`).
   */
  readonly database?: {
    /** `DATABASE_URL`: `postgres://user:password@host:5432/briefcast`. */
    readonly url: string;
    /** `DATABASE_POOL_SIZE`. */
    readonly poolSize: number;
  };
  /** `LEADER_RETRY_SECONDS`: how often a standby tries to take the lead. */
  readonly leaderRetrySeconds: number;
  readonly briefingTimezone: string;
  readonly defaultDeliveryTime: string;
  /** Load the sample briefing into an empty database; `undefined` means "on in the console only". */
  readonly sampleData: boolean | undefined;
  readonly logLevel: string;
  /**
   * Where the JSON log lines go: this file (appended) when set, else stderr — except in the console
   * chat on a terminal, where they go to {@link consoleLogFile} so they do not break up the chat.
   */
  readonly logFile?: string;
  readonly healthPort?: number;
  /** `DEFAULT_LANGUAGE`: for chats that have chosen none and whose platform suggests none. */
  readonly defaultLanguage: LanguageCode;
  /** The console chat's language: `--language`, else the one `LANG` names; absent: `defaultLanguage`. */
  readonly consoleLanguage?: LanguageCode;
  /** The news wire. */
  readonly feeds: {
    /** `FEED_POLL_MINUTES`. */
    readonly pollMinutes: number;
    /** `FEED_ALLOW_PRIVATE`: let feeds be read from loopback, private and link-local addresses. */
    readonly allowPrivate: boolean;
  };
  /** The editors' desk, when `DESK_PORT` is set. */
  readonly desk?: {
    readonly port: number;
    /** `DESK_PUBLIC_URL` as an origin without a trailing slash: `https://desk.example.org`. */
    readonly publicUrl: string;
  };
}

const optional = <T>(schema: z.ZodType<T, string>) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    schema.optional(),
  );

const httpUrl = (form: string) =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, form);

/** A PostgreSQL connection URL; the message never repeats the value (it holds a password). */
const postgresUrl = z.string().superRefine((v, ctx) => {
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {}
  const form = 'a PostgreSQL URL such as postgres://user:password@host:5432/briefcast';
  if (u === undefined || (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:'))
    ctx.addIssue({ code: 'custom', message: form });
  else if (u.hostname === '' && !u.searchParams.has('host'))
    ctx.addIssue({ code: 'custom', message: `${form} (the host is missing)` });
});

const port = z
  .string()
  .regex(/^\d{1,5}$/, 'a port number 1–65535')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 65535, 'a port number 1–65535');
const idList = (what: string) =>
  z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, `comma-separated numeric ${what} ids, e.g. 12345,67890`)
    .transform((v) => v.split(',').map((s) => s.trim()));
const flag = z
  .string()
  .transform((v) => v.toLowerCase())
  .refine(
    (v) => ['1', 'true', 'on', 'yes', '0', 'false', 'off', 'no'].includes(v),
    '1/true/on or 0/false/off',
  )
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));
const fromParser = (parse: (s: string) => { ok: true; value: string } | { ok: false; error: string }) =>
  z.string().transform((v, ctx) => {
    const r = parse(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error, params: { verbatim: true } });
    return z.NEVER;
  });

/** A language Briefcast speaks, by code or name (`en`, `zh`, `zh-CN`, `中文`). */
function language() {
  return z.string().transform((v, ctx) => {
    const code = resolveLanguage(v);
    if (code !== undefined) return code;
    ctx.addIssue({ code: 'custom', message: `one of ${languageCodes().replace('|', ', ')}` });
    return z.NEVER;
  });
}

const schema = z
  .object({
    TELEGRAM_BOT_TOKEN: optional(
      z.string().regex(/^\d+:[\w-]+$/, 'a token from @BotFather, like 123456:ABC-DEF…'),
    ),
    TELEGRAM_API_ROOT: optional(httpUrl('an http(s) URL of a Bot API server')),
    TELEGRAM_WEBHOOK_URL: optional(httpUrl('the public https URL Telegram should post updates to')),
    TELEGRAM_WEBHOOK_PORT: optional(port),
    TELEGRAM_WEBHOOK_SECRET: optional(
      z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, '1–256 of A-Z, a-z, 0-9, _ and -'),
    ),
    TELEGRAM_MAX_PER_SECOND: optional(
      z
        .string()
        .regex(/^\d+$/, `a whole number of messages per second, 1–${TELEGRAM_MAX_PER_SECOND_LIMIT}`)
        .transform(Number)
        .refine(
          (n) => n >= 1 && n <= TELEGRAM_MAX_PER_SECOND_LIMIT,
          `1–${TELEGRAM_MAX_PER_SECOND_LIMIT} messages per second`,
        ),
    ),
    DISCORD_TOKEN: optional(z.string().min(20, 'the bot token from the Discord developer portal')),
    DISCORD_APPLICATION_ID: optional(
      z.string().regex(/^\d{15,21}$/, 'the numeric application id (a snowflake)'),
    ),
    DISCORD_API_URL: optional(httpUrl('an http(s) URL ending in /api')),
    DISCORD_GUILD_ID: optional(z.string().regex(/^\d{15,21}$/, 'a numeric guild (server) id')),
    DISCORD_SHARD_COUNT: optional(
      z
        .string()
        .regex(/^\d+$/, `a whole number of gateway shards, 1–${DISCORD_SHARD_COUNT_LIMIT}`)
        .transform(Number)
        .refine(
          (n) => n >= 1 && n <= DISCORD_SHARD_COUNT_LIMIT,
          `a whole number of gateway shards, 1–${DISCORD_SHARD_COUNT_LIMIT}`,
        ),
    ),
    DISCORD_SHARDS: optional(
      z
        .string()
        .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'comma-separated shard numbers counted from 0, e.g. 0,1')
        .transform((v) => v.split(',').map((s) => Number(s.trim())))
        .refine((ids) => new Set(ids).size === ids.length, 'each shard number once, e.g. 0,1'),
    ),
    ADMIN_TELEGRAM_IDS: optional(idList('Telegram user')),
    ADMIN_DISCORD_IDS: optional(idList('Discord user')),
    DATABASE_FILE: optional(z.string()),
    DATABASE_URL: optional(postgresUrl),
    DATABASE_POOL_SIZE: optional(
      z
        .string()
        .regex(
          /^\d+$/,
          `a whole number of connections, ${DATABASE_POOL_SIZE_RANGE[0]}–${DATABASE_POOL_SIZE_RANGE[1]}`,
        )
        .transform(Number)
        .refine(
          (n) => n >= DATABASE_POOL_SIZE_RANGE[0] && n <= DATABASE_POOL_SIZE_RANGE[1],
          `a whole number of connections, ${DATABASE_POOL_SIZE_RANGE[0]}–${DATABASE_POOL_SIZE_RANGE[1]}`,
        ),
    ),
    LEADER_RETRY_SECONDS: optional(
      z
        .string()
        .regex(
          /^\d+$/,
          `a whole number of seconds, ${LEADER_RETRY_SECONDS_RANGE[0]}–${LEADER_RETRY_SECONDS_RANGE[1]}`,
        )
        .transform(Number)
        .refine(
          (n) => n >= LEADER_RETRY_SECONDS_RANGE[0] && n <= LEADER_RETRY_SECONDS_RANGE[1],
          `a whole number of seconds, ${LEADER_RETRY_SECONDS_RANGE[0]}–${LEADER_RETRY_SECONDS_RANGE[1]}`,
        ),
    ),
    BRIEFING_TIMEZONE: optional(fromParser(parseTimezone)),
    DEFAULT_DELIVERY_TIME: optional(fromParser(parseTime)),
    SAMPLE_DATA: optional(flag),
    LOG_LEVEL: optional(
      z.enum(
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        'one of fatal, error, warn, info, debug, trace, silent',
      ),
    ),
    LOG_FILE: optional(z.string()),
    HEALTH_PORT: optional(port),
    DEFAULT_LANGUAGE: optional(language()),
    // The shell's locale (`zh_CN.UTF-8`); one Briefcast does not speak (`C.UTF-8`, `de_DE`) is no mistake.
    LANG: optional(z.string()),
    DESK_PORT: optional(port),
    DESK_PUBLIC_URL: optional(
      z.string().superRefine((v, ctx) => {
        let u: URL;
        try {
          u = new URL(v);
        } catch {
          u = new URL('about:blank');
        }
        if (u.protocol !== 'http:' && u.protocol !== 'https:')
          ctx.addIssue({
            code: 'custom',
            message: 'the http(s) address editors open the desk at, e.g. https://desk.example.org',
          });
        else if (u.pathname !== '/' || u.search !== '' || u.hash !== '')
          ctx.addIssue({
            code: 'custom',
            message:
              'an address without a path, e.g. https://desk.example.org (the desk is served at its root)',
          });
      }),
    ),
    FEED_POLL_MINUTES: optional(
      z
        .string()
        .regex(
          /^\d+$/,
          `a whole number of minutes, ${FEED_POLL_MINUTES_RANGE[0]}–${FEED_POLL_MINUTES_RANGE[1]}`,
        )
        .transform(Number)
        .refine(
          (n) => n >= FEED_POLL_MINUTES_RANGE[0] && n <= FEED_POLL_MINUTES_RANGE[1],
          `a whole number of minutes, ${FEED_POLL_MINUTES_RANGE[0]}–${FEED_POLL_MINUTES_RANGE[1]}`,
        ),
    ),
    FEED_ALLOW_PRIVATE: optional(flag),
  })
  .superRefine((env, ctx) => {
    const need = (present: unknown, missing: unknown, path: string, message: string) => {
      if (present !== undefined && missing === undefined)
        ctx.addIssue({ code: 'custom', path: [path], message, params: { verbatim: true } });
    };
    need(
      env.DISCORD_TOKEN,
      env.DISCORD_APPLICATION_ID,
      'DISCORD_APPLICATION_ID',
      'required with DISCORD_TOKEN: the application id from the developer portal',
    );
    need(
      env.DISCORD_APPLICATION_ID,
      env.DISCORD_TOKEN,
      'DISCORD_TOKEN',
      'required with DISCORD_APPLICATION_ID',
    );
    need(
      env.TELEGRAM_WEBHOOK_URL,
      env.TELEGRAM_WEBHOOK_PORT,
      'TELEGRAM_WEBHOOK_PORT',
      'required with TELEGRAM_WEBHOOK_URL: the local port to serve the webhook on',
    );
    need(
      env.TELEGRAM_WEBHOOK_PORT,
      env.TELEGRAM_WEBHOOK_URL,
      'TELEGRAM_WEBHOOK_URL',
      'required with TELEGRAM_WEBHOOK_PORT',
    );
    need(
      env.DESK_PUBLIC_URL,
      env.DESK_PORT,
      'DESK_PORT',
      'required with DESK_PUBLIC_URL: the local port to serve the desk on',
    );
    need(
      env.DISCORD_SHARDS,
      env.DISCORD_SHARD_COUNT,
      'DISCORD_SHARD_COUNT',
      'required with DISCORD_SHARDS: the total number of shards across all processes',
    );
    need(env.DISCORD_SHARDS, env.DISCORD_TOKEN, 'DISCORD_TOKEN', 'required with DISCORD_SHARDS');
    need(env.DISCORD_SHARD_COUNT, env.DISCORD_TOKEN, 'DISCORD_TOKEN', 'required with DISCORD_SHARD_COUNT');
    // Refinements run even when a field failed its own check: only compare parsed values.
    const count = typeof env.DISCORD_SHARD_COUNT === 'number' ? env.DISCORD_SHARD_COUNT : undefined;
    const ids: readonly unknown[] = Array.isArray(env.DISCORD_SHARDS) ? env.DISCORD_SHARDS : [];
    const beyond = count === undefined ? [] : ids.filter((id) => typeof id === 'number' && id >= count);
    if (count !== undefined && beyond.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_SHARDS'],
        message: `shard ${beyond.join(', ')} is not below DISCORD_SHARD_COUNT (${count}): shards are numbered 0–${count - 1}`,
        params: { verbatim: true },
      });
    }
    need(
      env.TELEGRAM_WEBHOOK_URL,
      env.TELEGRAM_BOT_TOKEN,
      'TELEGRAM_BOT_TOKEN',
      'required with TELEGRAM_WEBHOOK_URL',
    );
  });

/** A configuration mistake: one line per variable, naming it and the expected form. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
  }
}

/** The value of `--language zh` or `--language=zh` among command-line arguments. */
function languageArgument(args: readonly string[]): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === '--language') return args[i + 1] ?? '';
    if (arg.startsWith('--language=')) return arg.slice('--language='.length);
  }
  return undefined;
}

/**
 * Reads and checks the configuration from an environment (normally `process.env`) and the
 * command-line arguments (`--language zh` for the console).
 * @throws ConfigError naming each bad variable; values (tokens included) never appear in it
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[] = [],
): Config {
  const asked = languageArgument(args);
  const consoleLanguage = asked === undefined ? undefined : resolveLanguage(asked);
  if (asked !== undefined && consoleLanguage === undefined)
    throw new ConfigError([`--language: expected one of ${languageCodes().replace('|', ', ')}`]);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        // Our own messages are whole sentences; the forms in the schema read "expected <form>".
        const verbatim = issue.code === 'custom' && issue.params?.verbatim === true;
        return `${String(issue.path[0] ?? 'configuration')}: ${verbatim ? '' : 'expected '}${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const telegramToken = e.TELEGRAM_BOT_TOKEN;
  return Object.freeze({
    ...(telegramToken !== undefined && {
      telegram: {
        token: telegramToken,
        ...(e.TELEGRAM_API_ROOT !== undefined && { apiRoot: e.TELEGRAM_API_ROOT }),
        ...(e.TELEGRAM_WEBHOOK_URL !== undefined &&
          e.TELEGRAM_WEBHOOK_PORT !== undefined && {
            webhook: {
              url: e.TELEGRAM_WEBHOOK_URL,
              port: e.TELEGRAM_WEBHOOK_PORT,
              secret: e.TELEGRAM_WEBHOOK_SECRET ?? webhookSecretFor(telegramToken),
            },
          }),
        maxPerSecond: e.TELEGRAM_MAX_PER_SECOND ?? DEFAULTS.TELEGRAM_MAX_PER_SECOND,
      },
    }),
    ...(e.DISCORD_TOKEN !== undefined &&
      e.DISCORD_APPLICATION_ID !== undefined && {
        discord: {
          token: e.DISCORD_TOKEN,
          applicationId: e.DISCORD_APPLICATION_ID,
          ...(e.DISCORD_API_URL !== undefined && { apiUrl: e.DISCORD_API_URL }),
          ...(e.DISCORD_GUILD_ID !== undefined && { guildId: e.DISCORD_GUILD_ID }),
          ...(e.DISCORD_SHARD_COUNT !== undefined && {
            shards: {
              ids: e.DISCORD_SHARDS ?? Array.from({ length: e.DISCORD_SHARD_COUNT }, (_, i) => i),
              count: e.DISCORD_SHARD_COUNT,
            },
          }),
        },
      }),
    adminTelegramIds: e.ADMIN_TELEGRAM_IDS ?? [],
    adminDiscordIds: e.ADMIN_DISCORD_IDS ?? [],
    databaseFile: e.DATABASE_FILE ?? DEFAULTS.DATABASE_FILE,
    ...(e.DATABASE_URL !== undefined && {
      database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE ?? DEFAULTS.DATABASE_POOL_SIZE },
    }),
    leaderRetrySeconds: e.LEADER_RETRY_SECONDS ?? DEFAULTS.LEADER_RETRY_SECONDS,
    briefingTimezone: e.BRIEFING_TIMEZONE ?? DEFAULTS.BRIEFING_TIMEZONE,
    defaultDeliveryTime: e.DEFAULT_DELIVERY_TIME ?? DEFAULTS.DEFAULT_DELIVERY_TIME,
    sampleData: e.SAMPLE_DATA,
    logLevel: e.LOG_LEVEL ?? DEFAULTS.LOG_LEVEL,
    ...(e.LOG_FILE !== undefined && { logFile: e.LOG_FILE }),
    ...(e.HEALTH_PORT !== undefined && { healthPort: e.HEALTH_PORT }),
    defaultLanguage: e.DEFAULT_LANGUAGE ?? DEFAULTS.DEFAULT_LANGUAGE,
    ...withConsoleLanguage(consoleLanguage ?? languageFromLocale(e.LANG)),
    ...(e.DESK_PORT !== undefined && {
      desk: {
        port: e.DESK_PORT,
        publicUrl: new URL(e.DESK_PUBLIC_URL ?? `http://localhost:${e.DESK_PORT}`).origin,
      },
    }),
    feeds: {
      pollMinutes: e.FEED_POLL_MINUTES ?? DEFAULTS.FEED_POLL_MINUTES,
      allowPrivate: e.FEED_ALLOW_PRIVATE ?? false,
    },
  });
}

function withConsoleLanguage(language: LanguageCode | undefined): { consoleLanguage?: LanguageCode } {
  return language === undefined ? {} : { consoleLanguage: language };
}

/** Whether no platform is configured, so `npm start` opens the console chat. */
export function isConsoleMode(config: Config): boolean {
  return config.telegram === undefined && config.discord === undefined;
}

/** The log file of the console chat on a terminal: `briefcast.log` beside `DATABASE_FILE`. */
export function consoleLogFile(config: Config): string {
  return join(dirname(config.databaseFile), 'briefcast.log');
}

/** A webhook secret derived from the token, so webhook mode works without one more variable. */
function webhookSecretFor(token: string): string {
  let hash = 0n;
  for (const ch of token) hash = (hash * 131n + BigInt(ch.codePointAt(0) ?? 0)) % (1n << 120n);
  return `bc${hash.toString(36)}`;
}

/** The secrets in a configuration, for scrubbing from logs. */
export function secretsOf(config: Config): string[] {
  return [
    config.telegram?.token,
    config.telegram?.webhook?.secret,
    config.discord?.token,
    databasePassword(config),
  ].filter((s): s is string => s !== undefined && s !== '');
}

/** The password in `DATABASE_URL`, if any. */
function databasePassword(config: Config): string | undefined {
  if (config.database === undefined) return undefined;
  const { password } = new URL(config.database.url);
  if (password === '') return undefined;
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}
