/**
 * Fault drill: the data file's folder becomes read-only mid-run (issue #6).
 *
 * The whole app runs in this process (`startApp`: the real Telegram adapter against the fake Bot
 * API, the real lowdb store in a temporary folder, the delivery engine) with a logger the test reads.
 * While the folder is unwritable, chats subscribe, an editor posts and a delivery run goes out; then
 * the folder is made writable again, the store is flushed, the app stopped and the data file opened
 * afresh. How the folder is made unwritable depends on the user the tests run as (see
 * `read-only-folder.ts`): root ignores `chmod`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { LowdbStore } from '../../src/store/lowdb.js';
import { TestClock } from '../helpers/newsroom.js';
import { waitUntil } from './child-app.js';
import { makeUnwritable, type Unwritable } from './read-only-folder.js';

const TOKEN = '7000000001:AAfake-drill-token_0123456789';
const EDITOR = { id: 777, first_name: 'Editor' };
/** A day's morning; the chats subscribe for 08:00 UTC and the run happens just after. */
const MORNING = '2026-03-02T06:00:00Z';
const DELIVERY = '2026-03-02T08:00:30Z';
const WAIT_MS = 5_000;
/** File-system errors that mean "you may not write here". */
const UNWRITABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR']);

interface LogRecord {
  readonly level: number;
  readonly msg?: string;
  readonly err?: { readonly code?: string; readonly message?: string };
}

/** A pino logger whose records the test reads. */
function capturingLogger() {
  const records: LogRecord[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

let dir: string;
let dataDir: string;
let file: string;
let app: App | undefined;
let fake: FakeTelegram | undefined;
let unwritable: Unwritable | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-drill-ro-'));
  dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  file = path.join(dataDir, 'db.json');
});
afterEach(async () => {
  unwritable?.restore();
  unwritable = undefined;
  await app?.stop();
  await fake?.stop();
  app = undefined;
  fake = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the data folder becomes read-only mid-run', () => {
  it('logs the failed writes, keeps answering and delivering, and loses nothing once writable again', {
    timeout: 30_000,
  }, async () => {
    fake = new FakeTelegram({ token: TOKEN });
    const { apiRoot } = await fake.start();
    const { logger, records } = capturingLogger();
    const clock = new TestClock(MORNING);
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      ADMIN_TELEGRAM_IDS: String(EDITOR.id),
      DATABASE_FILE: file,
    });
    // The store as the app opens it, with a short batch delay so the failing writes come at once.
    const store = await LowdbStore.open(file, { logger, writeDelayMs: 20 });
    app = await startApp({ config, logger, clock, store });
    const running = fake;

    const command = async (chatId: number, text: string, expected: string) => {
      const from = chatId === EDITOR.id ? EDITOR : { id: chatId, first_name: `Reader ${chatId}` };
      running.sendText({ chat: { id: chatId, type: 'private' }, from, text });
      return await running.waitForSent(
        (m) => m.chat_id === chatId && m.visibleText.includes(expected),
        WAIT_MS,
      );
    };
    const before = [201, 202, 203];
    const during = [204, 205, 206];
    await command(EDITOR.id, '/post mining Posted while writable\nA body.', 'Posted #1');
    for (const id of before) await command(id, '/subscribe all 08:00 UTC', 'Subscribed');
    await app.store.flush();

    unwritable = makeUnwritable(dataDir);
    console.info(`read-only drill: the data folder was made unwritable with ${unwritable.method}`);
    const errorsBefore = records.filter((r) => r.level >= 50).length;

    await command(EDITOR.id, '/post nft Posted while read-only\nAnother body.', 'Posted #2');
    for (const id of during) await command(id, '/subscribe all 08:00 UTC', 'Subscribed');
    await command(300, '/brief', 'Posted while read-only');

    clock.set(DELIVERY);
    await app.delivery.tick();
    // The run, whether this tick or the scheduler's minute tick (which this one then joined) ran it.
    expect(await app.delivery.lastRun()).toMatchObject({ due: 6, sent: 6, failed: 0 });
    for (const id of [...before, ...during]) {
      const digests = running.sentTo(id).filter((m) => m.visibleText.includes('Your Briefcast digest'));
      expect(digests).toHaveLength(1);
      expect(digests[0]?.visibleText).toContain('Posted while read-only');
    }

    const failedWrites = await waitUntil(
      () => {
        const found = records
          .slice(errorsBefore)
          .filter((r) => r.level >= 50 && UNWRITABLE_CODES.has(r.err?.code ?? ''));
        return found.length > 0 && found;
      },
      WAIT_MS,
      () => `no write error was logged; errors: ${JSON.stringify(records.filter((r) => r.level >= 50))}`,
    );
    expect(failedWrites[0]?.msg).toMatch(/could not/);
    // Still serving while the folder stays unwritable.
    await command(301, '/topics', 'Topics');

    unwritable.restore();
    await app.store.flush();
    await app.stop();
    app = undefined;

    const reopened = await LowdbStore.open(file, { logger });
    try {
      const subs = reopened.allSubscriptions();
      expect(subs.map((s) => s.settings.chat.id).sort()).toEqual([...before, ...during].map(String).sort());
      for (const sub of subs) {
        expect(sub.delivery).toMatchObject({ lastDigestDate: '2026-03-02', sent: 1 });
        expect(sub.delivery.claim).toBeUndefined();
      }
      expect((await reopened.getItem(2))?.headline).toBe('Posted while read-only');
      expect(await reopened.recentRuns(5)).toEqual([expect.objectContaining({ sent: 6 })]);
    } finally {
      await reopened.close();
    }
  });
});
