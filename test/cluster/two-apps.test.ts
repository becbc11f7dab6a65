/**
 * Two Briefcast apps on one database: one leads (delivers, polls Telegram and the wire), the other
 * stands by until the leader goes. Each has its own PostgreSQL store (its own pool) on one real
 * database and competes for the real advisory lock on it; each talks to a fake Telegram of its own
 * with the same bot token, so each fake counts one process's getUpdates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import { type App, startApp } from '../../src/app.js';
import { LockLeadership } from '../../src/cluster/leadership.js';
import { loadConfig } from '../../src/config.js';
import { healthReport } from '../../src/health.js';
import { silentLogger } from '../../src/log.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { MemoryWireStore } from '../../src/wire/memory-store.js';
import { TestClock } from '../helpers/newsroom.js';
import { freshDatabase } from '../helpers/postgres.js';

const TOKEN = '123456:TEST-token_value';
const READER = { id: 501, first_name: 'Reader' };
const LATE_READER = { id: 502, first_name: 'Late' };
const FAST = { retryMs: 100, checkMs: 50, checkTimeoutMs: 1_000 } as const;

/** Waits (bounded) until `ok()` holds. */
async function until(ok: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('two apps on one database', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const fakes: FakeTelegram[] = [];
  const apps: App[] = [];

  beforeEach(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    for (const fake of fakes.splice(0)) await fake.stop();
    await db.drop();
  });

  async function startProcess(clock: TestClock) {
    const store = await PostgresStore.open(db.url, { logger: silentLogger, wire: new MemoryWireStore() });
    const fake = new FakeTelegram({ token: TOKEN, botUsername: 'briefcast_bot' });
    fakes.push(fake);
    const { apiRoot } = await fake.start();
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      SAMPLE_DATA: 'on',
      DATABASE_URL: db.url,
    });
    const leadership = new LockLeadership({ url: db.url, logger: silentLogger, ...FAST });
    const app = await startApp({ config, logger: silentLogger, clock, store, leadership });
    apps.push(app);
    return { app, fake };
  }

  it('lets only the leader tick and poll Telegram, and the standby take both over when it goes', async () => {
    const clock = new TestClock('2026-11-29T06:00:00Z');
    const a = await startProcess(clock);
    const b = await startProcess(clock);

    expect(a.app.leadership.isLeader()).toBe(true);
    expect(b.app.leadership.isLeader()).toBe(false);
    expect(a.app.scheduler.running).toBe(true);
    expect(b.app.scheduler.running).toBe(false);
    const sources = (app: App) => ({
      adapters: app.adapters,
      delivery: app.delivery,
      cluster: { isLeader: () => app.leadership.isLeader(), shards: () => null },
    });
    expect(await healthReport(sources(a.app))).toMatchObject({ status: 'ok', role: 'leader', leader: true });
    expect(await healthReport(sources(b.app))).toMatchObject({
      status: 'ok',
      role: 'standby',
      leader: false,
    });

    // The leader answers commands it polls; the standby never polls.
    sendText(a.fake, READER, '/subscribe nft 08:00 Asia/Shanghai');
    sendText(a.fake, LATE_READER, '/subscribe nft 09:00 Asia/Shanghai');
    await a.fake.waitForSent((m) => m.chat_id === LATE_READER.id && m.visibleText.includes('Subscribed'));
    await a.fake.waitForCall('getUpdates', 3);
    expect(calls(b.fake, 'getUpdates')).toBe(0);
    expect(calls(b.fake, 'getMe')).toBe(1);

    // 08:00 in Shanghai: the standby's engine does nothing, the leader's delivers.
    clock.set('2026-11-30T00:00:30Z');
    expect(await b.app.delivery.tick()).toBeUndefined();
    expect(await a.app.delivery.tick()).toMatchObject({ due: 1, sent: 1 });
    await a.fake.waitForSent(
      (m) => m.chat_id === READER.id && m.visibleText.includes('Your Briefcast digest'),
    );

    // The leader stops: the standby leads, its scheduler ticks and it polls Telegram.
    clock.set('2026-11-30T01:00:30Z');
    await a.app.stop();
    await until(() => b.app.leadership.isLeader(), 'the standby to lead', 2_000);
    await b.app.leaderDuties.settled();
    expect(b.app.scheduler.running).toBe(true);
    await b.app.scheduler.startTick();
    await b.fake.waitForSent(
      (m) => m.chat_id === LATE_READER.id && m.visibleText.includes('Your Briefcast digest'),
    );
    await b.fake.waitForCall('getUpdates', 1);
    expect(await healthReport(sources(b.app))).toMatchObject({ role: 'leader' });
    // Each digest once, each from the process that led at its time.
    expect(
      a.fake.sentTo(LATE_READER.id).filter((m) => m.visibleText.includes('Your Briefcast digest')),
    ).toHaveLength(0);
    expect(b.fake.sentTo(READER.id).map((m) => m.visibleText)).toEqual([]);
  });

  it('stops delivering and polling on a leader whose lock connection is lost', async () => {
    const clock = new TestClock('2026-11-29T06:00:00Z');
    const a = await startProcess(clock);
    const b = await startProcess(clock);
    await a.fake.waitForCall('getUpdates', 1);
    const pid = (a.app.leadership as LockLeadership).backendPid;
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    await until(() => b.app.leadership.isLeader(), 'the standby to lead', 3_000);
    await a.app.leaderDuties.settled();
    await b.app.leaderDuties.settled();
    expect(a.app.leadership.isLeader()).toBe(false);
    expect(a.app.scheduler.running).toBe(false);
    expect(b.app.scheduler.running).toBe(true);
    const polled = calls(a.fake, 'getUpdates');
    await b.fake.waitForCall('getUpdates', 1);
    // The old leader polls no more (its last call confirmed the updates it had).
    await new Promise((r) => setTimeout(r, 200));
    expect(calls(a.fake, 'getUpdates')).toBeLessThanOrEqual(polled + 1);
    expect(await a.app.delivery.tick()).toBeUndefined();
  });
});

/** How often a process called a Bot API method on its fake. */
function calls(fake: FakeTelegram, method: string): number {
  return fake.stats.byMethod[method] ?? 0;
}

function sendText(fake: FakeTelegram, from: { id: number; first_name: string }, text: string): void {
  fake.sendText({ chat: { id: from.id, type: 'private' }, from, text });
}
