import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig, secretsOf } from '../src/config.js';

const TELEGRAM_TOKEN = '123456:ABCdef_ghi-JKL';
const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value';

function errors(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).lines;
  }
}

describe('configuration', () => {
  it('takes the documented defaults from an empty environment (console mode)', () => {
    expect(loadConfig({})).toEqual({
      adminTelegramIds: [],
      adminDiscordIds: [],
      databaseFile: DEFAULTS.DATABASE_FILE,
      leaderRetrySeconds: 5,
      briefingTimezone: 'Asia/Shanghai',
      defaultDeliveryTime: '08:00',
      sampleData: undefined,
      logLevel: 'info',
      defaultLanguage: 'en',
      feeds: { pollMinutes: 10, allowPrivate: false },
    });
  });

  it('takes DEFAULT_LANGUAGE, and the console language from --language or LANG', () => {
    expect(loadConfig({ DEFAULT_LANGUAGE: 'zh' }).defaultLanguage).toBe('zh-CN');
    expect(loadConfig({ DEFAULT_LANGUAGE: 'zh-CN' }).defaultLanguage).toBe('zh-CN');
    expect(() => loadConfig({ DEFAULT_LANGUAGE: 'klingon' })).toThrow(
      'DEFAULT_LANGUAGE: expected one of en, zh',
    );
    expect(loadConfig({}, ['--language', 'zh']).consoleLanguage).toBe('zh-CN');
    expect(loadConfig({}, ['--language=en']).consoleLanguage).toBe('en');
    expect(loadConfig({ LANG: 'zh_CN.UTF-8' }).consoleLanguage).toBe('zh-CN');
    expect(loadConfig({ LANG: 'zh_CN.UTF-8' }, ['--language', 'en']).consoleLanguage).toBe('en');
    // A locale Briefcast does not speak is no mistake: the default applies.
    expect(loadConfig({ LANG: 'C.UTF-8' }).consoleLanguage).toBeUndefined();
    expect(loadConfig({ LANG: 'de_DE.UTF-8' }).consoleLanguage).toBeUndefined();
    expect(() => loadConfig({}, ['--language', 'xx'])).toThrow('--language: expected one of en, zh');
    expect(() => loadConfig({}, ['--language'])).toThrow('--language: expected one of en, zh');
  });

  it('reads the wire settings and names a bad one', () => {
    expect(loadConfig({ FEED_POLL_MINUTES: '30', FEED_ALLOW_PRIVATE: '1' }).feeds).toEqual({
      pollMinutes: 30,
      allowPrivate: true,
    });
    expect(() => loadConfig({ FEED_POLL_MINUTES: '0' })).toThrow(
      'FEED_POLL_MINUTES: expected a whole number of minutes, 1–1440',
    );
    expect(() => loadConfig({ FEED_POLL_MINUTES: 'often' })).toThrow('FEED_POLL_MINUTES');
    expect(() => loadConfig({ FEED_ALLOW_PRIVATE: 'maybe' })).toThrow('FEED_ALLOW_PRIVATE');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram',
      TELEGRAM_WEBHOOK_PORT: '8443',
      TELEGRAM_MAX_PER_SECOND: '1000',
      DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9000/api',
      DISCORD_GUILD_ID: '223456789012345678',
      ADMIN_TELEGRAM_IDS: '111, 222',
      ADMIN_DISCORD_IDS: '333',
      DATABASE_FILE: '/var/lib/briefcast/db.json',
      BRIEFING_TIMEZONE: 'europe/berlin',
      DEFAULT_DELIVERY_TIME: '7:30',
      SAMPLE_DATA: 'on',
      LOG_LEVEL: 'debug',
      HEALTH_PORT: '8080',
    });
    expect(config).toMatchObject({
      telegram: {
        token: TELEGRAM_TOKEN,
        apiRoot: 'http://127.0.0.1:8081',
        webhook: { url: 'https://bot.example.org/telegram', port: 8443 },
        maxPerSecond: 1000,
      },
      discord: { applicationId: '123456789012345678', guildId: '223456789012345678' },
      adminTelegramIds: ['111', '222'],
      adminDiscordIds: ['333'],
      briefingTimezone: 'Europe/Berlin',
      defaultDeliveryTime: '07:30',
      sampleData: true,
      logLevel: 'debug',
      healthPort: 8080,
    });
    expect(config.telegram?.webhook?.secret).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  describe('several processes', () => {
    const discord = { DISCORD_TOKEN, DISCORD_APPLICATION_ID: '123456789012345678' };

    it('runs every shard in one process unless told otherwise', () => {
      expect(loadConfig(discord).discord?.shards).toBeUndefined();
      expect(loadConfig({ ...discord, DISCORD_SHARD_COUNT: '3' }).discord?.shards).toEqual({
        ids: [0, 1, 2],
        count: 3,
      });
    });

    it('takes DISCORD_SHARDS of DISCORD_SHARD_COUNT', () => {
      expect(
        loadConfig({ ...discord, DISCORD_SHARDS: ' 2, 0 ', DISCORD_SHARD_COUNT: '4' }).discord?.shards,
      ).toEqual({ ids: [2, 0], count: 4 });
    });

    it('reads LEADER_RETRY_SECONDS', () => {
      expect(loadConfig({}).leaderRetrySeconds).toBe(DEFAULTS.LEADER_RETRY_SECONDS);
      expect(loadConfig({ LEADER_RETRY_SECONDS: '2' }).leaderRetrySeconds).toBe(2);
    });

    it.each([
      [
        { ...discord, DISCORD_SHARDS: '0,1' },
        /^DISCORD_SHARD_COUNT: required with DISCORD_SHARDS: the total/,
      ],
      [
        { ...discord, DISCORD_SHARDS: '0,2', DISCORD_SHARD_COUNT: '2' },
        /^DISCORD_SHARDS: shard 2 is not below DISCORD_SHARD_COUNT \(2\): shards are numbered 0–1$/,
      ],
      [
        { ...discord, DISCORD_SHARDS: 'one', DISCORD_SHARD_COUNT: '2' },
        /^DISCORD_SHARDS: expected comma-separated shard numbers counted from 0, e\.g\. 0,1$/,
      ],
      [
        { ...discord, DISCORD_SHARDS: '-1', DISCORD_SHARD_COUNT: '2' },
        /^DISCORD_SHARDS: expected comma-separated shard numbers/,
      ],
      [
        { ...discord, DISCORD_SHARDS: '1,1', DISCORD_SHARD_COUNT: '2' },
        /^DISCORD_SHARDS: expected each shard number once/,
      ],
      [
        { ...discord, DISCORD_SHARD_COUNT: '0' },
        /^DISCORD_SHARD_COUNT: expected a whole number of gateway shards, 1–65536$/,
      ],
      [{ ...discord, DISCORD_SHARD_COUNT: '2.5' }, /^DISCORD_SHARD_COUNT: expected a whole number/],
      [{ DISCORD_SHARD_COUNT: '2' }, /^DISCORD_TOKEN: required with DISCORD_SHARD_COUNT$/],
      [{ LEADER_RETRY_SECONDS: '0' }, /^LEADER_RETRY_SECONDS: expected a whole number of seconds, 1–60$/],
      [{ LEADER_RETRY_SECONDS: 'soon' }, /^LEADER_RETRY_SECONDS: expected a whole number of seconds/],
    ])('names the variable and the form: %j', (env, line) => {
      const lines = errors(env);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
    });
  });

  it('selects PostgreSQL with DATABASE_URL, its pool size from DATABASE_POOL_SIZE', () => {
    expect(loadConfig({}).database).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://bot:s3cret@db.internal:5433/briefcast' }).database).toEqual(
      {
        url: 'postgres://bot:s3cret@db.internal:5433/briefcast',
        poolSize: DEFAULTS.DATABASE_POOL_SIZE,
      },
    );
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://db/briefcast', DATABASE_POOL_SIZE: '25' }).database?.poolSize,
    ).toBe(25);
    expect(
      loadConfig({ DATABASE_URL: 'postgres:///briefcast?host=/var/run/postgresql' }).database,
    ).toBeDefined();
  });

  it.each([['mysql://bot:s3cret@db/briefcast'], ['db.internal:5432'], ['postgres://bot:s3cret@/briefcast']])(
    'names a DATABASE_URL that is not a PostgreSQL URL (%s) without repeating it',
    (url) => {
      const lines = errors({ DATABASE_URL: url });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^DATABASE_URL: expected a PostgreSQL URL such as postgres:\/\/user:password@host:5432\/briefcast/,
      );
      expect(lines[0]).not.toContain('s3cret');
    },
  );

  it('names a bad DATABASE_POOL_SIZE', () => {
    for (const size of ['0', '101', 'ten'])
      expect(errors({ DATABASE_URL: 'postgres://db/x', DATABASE_POOL_SIZE: size })).toEqual([
        'DATABASE_POOL_SIZE: expected a whole number of connections, 1–100',
      ]);
  });

  it('keeps the database password out of the logs', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://bot:p%40ss@db/briefcast' });
    expect(secretsOf(config)).toContain('p@ss');
    expect(secretsOf(loadConfig({ DATABASE_URL: 'postgres://db/briefcast' }))).toEqual([]);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '', HEALTH_PORT: ' ' }).telegram).toBeUndefined();
  });

  it.each([
    [
      { BRIEFING_TIMEZONE: 'Mars/Phobos' },
      /^BRIEFING_TIMEZONE: "Mars\/Phobos" is not a time zone; use an IANA name/,
    ],
    [
      { DEFAULT_DELIVERY_TIME: '8am' },
      /^DEFAULT_DELIVERY_TIME: "8am" is not a time of day; write it as HH:MM/,
    ],
    [{ DISCORD_TOKEN }, /^DISCORD_APPLICATION_ID: required with DISCORD_TOKEN/],
    [
      { DISCORD_APPLICATION_ID: '123456789012345678' },
      /^DISCORD_TOKEN: required with DISCORD_APPLICATION_ID/,
    ],
    [{ TELEGRAM_BOT_TOKEN: 'not-a-token' }, /^TELEGRAM_BOT_TOKEN: expected a token from @BotFather/],
    [{ TELEGRAM_MAX_PER_SECOND: '5000' }, /^TELEGRAM_MAX_PER_SECOND: expected 1–1000/],
    [{ TELEGRAM_MAX_PER_SECOND: 'fast' }, /^TELEGRAM_MAX_PER_SECOND: expected a whole number/],
    [{ SAMPLE_DATA: 'maybe' }, /^SAMPLE_DATA: expected 1\/true\/on or 0\/false\/off/],
    [{ HEALTH_PORT: '70000' }, /^HEALTH_PORT: expected a port number/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: expected one of fatal/],
    [{ DESK_PORT: '0' }, /^DESK_PORT: expected a port number/],
    [
      { DESK_PORT: '8090', DESK_PUBLIC_URL: 'desk.example.org' },
      /^DESK_PUBLIC_URL: expected the http\(s\) address/,
    ],
    [
      { DESK_PORT: '8090', DESK_PUBLIC_URL: 'https://example.org/desk' },
      /^DESK_PUBLIC_URL: expected an address without a path/,
    ],
    [{ DESK_PUBLIC_URL: 'https://desk.example.org' }, /^DESK_PORT: required with DESK_PUBLIC_URL/],
    [{ ADMIN_TELEGRAM_IDS: 'alice' }, /^ADMIN_TELEGRAM_IDS: expected comma-separated numeric/],
    [{ TELEGRAM_API_ROOT: 'ftp://x' }, /^TELEGRAM_API_ROOT: expected an http\(s\) URL/],
    [
      { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_URL: 'https://x.org/' },
      /^TELEGRAM_WEBHOOK_PORT: required with TELEGRAM_WEBHOOK_URL/,
    ],
  ])('names the variable and the form: %j', (env, line) => {
    const lines = errors(env);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('turns the desk on with DESK_PORT, its links at localhost unless DESK_PUBLIC_URL says otherwise', () => {
    expect(loadConfig({}).desk).toBeUndefined();
    expect(loadConfig({ DESK_PORT: '8090' }).desk).toEqual({
      port: 8090,
      publicUrl: 'http://localhost:8090',
    });
    expect(
      loadConfig({ DESK_PORT: '8090', DESK_PUBLIC_URL: 'https://Desk.Example.org/' }).desk?.publicUrl,
    ).toBe('https://desk.example.org');
  });

  it('never puts a token in an error', () => {
    const lines = errors({ TELEGRAM_BOT_TOKEN: 'secret-value-without-colon', DISCORD_TOKEN: 'short' });
    expect(lines.join('\n')).not.toContain('secret-value-without-colon');
    expect(lines.join('\n')).not.toContain('short');
  });
});
