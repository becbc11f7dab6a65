/**
 * Delivery at the calendar's edges (issue 15), run on a clock the test moves: subscriptions made
 * through `/subscribe`, the engine ticked at every minute across a DST gap, a fold or New Year, and
 * restarts (a new newsroom, engine and scheduler start-up tick on the same store) at chosen instants.
 * Every expected instant comes from `Intl.DateTimeFormat` (test/helpers/wall-clock.ts), never from
 * the product's own time functions.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { ChatRef } from '../../src/core/chat.js';
import { renderText } from '../../src/core/render-text.js';
import { Scheduler } from '../../src/delivery/scheduler.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { sampleSub, seedSubscription } from '../helpers/fixtures.js';
import { TestClock } from '../helpers/newsroom.js';
import { described, firstShowing, wallDate } from '../helpers/wall-clock.js';
import { makeDelivery } from './harness.js';

const MINUTE_MS = 60_000;

/** A delivery as the store recorded it: which chat, at which instant of the test clock, for which local date. */
interface Delivery {
  readonly time: string;
  readonly at: string;
  readonly date: string;
}

/**
 * A bot's life on one store: started (and started again) at chosen instants, ticked each minute
 * between them, its deliveries observed through the store (`lastDigestDate` moving). Chats are
 * Telegram private chats named by their subscription's `HH:MM` and zone.
 */
class Life {
  readonly store = new MemoryStore();
  readonly deliveries: Delivery[] = [];
  /** Messages sent to each chat, across every start. */
  readonly messages = new Map<string, number>();
  #bot: Awaited<ReturnType<typeof makeDelivery>> | undefined;
  readonly #seen = new Map<string, string | undefined>();
  readonly #times = new Map<string, string>();

  /** Starts a bot at `at` as the app does: a new newsroom and engine, and the scheduler's start-up tick. */
  async start(at: string | Date): Promise<void> {
    this.#bot = await makeDelivery({ store: this.store, now: new Date(at).toISOString() });
    const scheduler = new Scheduler(this.#bot.engine, { logger: silentLogger });
    scheduler.start();
    await scheduler.startTick();
    await scheduler.stop();
    await this.#observe();
  }

  /** The bot stops: no tick until the next {@link start}. */
  stop(): void {
    this.#bot = undefined;
  }

  get #running() {
    if (!this.#bot) throw new Error('the bot is not running');
    return this.#bot;
  }

  /** Moves the clock to `to`, ticking at every whole minute after the current time up to `to`. */
  async runUntil(to: string | Date): Promise<void> {
    const bot = this.#running;
    const end = new Date(to).getTime();
    for (
      let t = Math.floor(bot.clock.now().getTime() / MINUTE_MS + 1) * MINUTE_MS;
      t <= end;
      t += MINUTE_MS
    ) {
      bot.clock.set(new Date(t));
      await bot.engine.tick();
      await this.#observe();
    }
    bot.clock.set(new Date(end));
  }

  /** Runs a command in the chat of the subscription at `time` in `zone`; the reply as plain text. */
  async command(time: string, zone: string, text: string): Promise<string> {
    const chat = chatOf(time, zone);
    this.#times.set(`telegram:${chat.id}`, time);
    const match = /^\/(\w+)\s?(.*)$/.exec(text)!;
    const doc = await this.#running.dispatcher.dispatch({
      platform: 'telegram',
      command: match[1]!,
      input: { text: match[2] ?? '' },
      chat,
      chatKind: 'private',
      user: { platform: 'telegram', id: chat.id, name: 'Reader' },
      isChatAdmin: async () => false,
    });
    return renderText(doc);
  }

  /** `/subscribe time zone` in that subscription's chat; the reply's "Next digest" value. */
  async subscribe(time: string, zone: string): Promise<string> {
    return nextDigestIn(await this.command(time, zone, `/subscribe ${time} ${zone}`));
  }

  /** Deliveries of the subscription at `time`, in order. */
  of(time: string): { at: string; date: string }[] {
    return this.deliveries.filter((d) => d.time === time).map(({ at, date }) => ({ at, date }));
  }

  async #observe(): Promise<void> {
    const bot = this.#running;
    for (const [key, time] of this.#times) {
      const date = (await this.store.getSubscription(key))?.delivery.lastDigestDate;
      if (date !== undefined && date !== this.#seen.get(key)) {
        this.deliveries.push({ time, at: bot.clock.now().toISOString(), date });
      }
      this.#seen.set(key, date);
    }
    for (const send of bot.sender.sends.splice(0)) {
      const time = this.#times.get(`telegram:${send.chat.id}`) ?? send.chat.id;
      this.messages.set(time, (this.messages.get(time) ?? 0) + 1);
    }
  }
}

/** One chat per subscription: the id is the time's digits and the zone's name hashed, so zones don't share chats. */
function chatOf(time: string, zone: string): ChatRef {
  let h = 0;
  for (const c of zone) h = (h * 31 + c.charCodeAt(0)) % 100_000;
  return { platform: 'telegram', id: String(h * 10_000 + Number(time.replace(':', ''))) };
}

/** The "Next digest" value of a reply. */
function nextDigestIn(reply: string): string {
  const line = reply.split('\n').find((l) => l.startsWith('Next digest: '));
  if (!line) throw new Error(`no "Next digest" line in:\n${reply}`);
  return line.slice('Next digest: '.length);
}

const iso = (d: Date) => d.toISOString();

describe('a DST gap: the digest goes at the first instant after it, and the answers say so', () => {
  it('Europe/Berlin, 2027-03-28 (02:00–03:00 skipped), running through', async () => {
    const zone = 'Europe/Berlin';
    const date = '2027-03-28';
    const times = ['01:59', '02:00', '02:30', '02:59', '03:00', '03:01'];
    const life = new Life();
    await life.start('2027-03-27T23:30:00Z'); // 00:30 CET
    for (const time of times) {
      const due = firstShowing(date, time, zone);
      expect(await life.subscribe(time, zone)).toBe(
        time.startsWith('02:')
          ? `${described(due, zone)} — the clocks skip ${time} that day (they go forward)`
          : described(due, zone),
      );
    }
    // The defect: 02:30 was answered 03:30; it is due, and sent, at 03:00.
    expect(await life.command('02:30', zone, '/settings')).toContain(
      'Next digest: Sun 28 Mar 2027, 03:00 (Europe/Berlin)',
    );
    await life.runUntil('2027-03-28T02:30:00Z');
    for (const time of times) {
      expect(life.of(time), time).toEqual([{ at: iso(firstShowing(date, time, zone)), date }]);
      expect(life.messages.get(time), time).toBe(1);
    }
    expect(firstShowing(date, '02:30', zone).toISOString()).toBe('2027-03-28T01:00:00.000Z');
  });

  it('Australia/Lord_Howe, 2027-10-03 (02:00–02:30 skipped, a 30-minute shift), running through', async () => {
    const zone = 'Australia/Lord_Howe';
    const date = '2027-10-03';
    const times = ['01:59', '02:00', '02:15', '02:29', '02:30', '02:31'];
    const life = new Life();
    await life.start('2027-10-02T14:00:00Z'); // 00:30 +10:30
    for (const time of times) await life.subscribe(time, zone);
    // The defect: 02:15 was answered 02:45; it is due at 02:30.
    expect(nextDigestIn(await life.command('02:15', zone, '/settings'))).toBe(
      'Sun 3 Oct 2027, 02:30 (Australia/Lord_Howe) — the clocks skip 02:15 that day (they go forward)',
    );
    await life.runUntil('2027-10-02T16:30:00Z');
    for (const time of times) {
      expect(life.of(time), time).toEqual([{ at: iso(firstShowing(date, time, zone)), date }]);
    }
    expect(firstShowing(date, '02:15', zone).toISOString()).toBe('2027-10-02T15:30:00.000Z');
  });

  it('restarted across the Berlin gap: what fell due while down goes at once, the rest on time', async () => {
    const zone = 'Europe/Berlin';
    const date = '2027-03-28';
    const life = new Life();
    await life.start('2027-03-27T23:30:00Z');
    for (const time of ['01:40', '01:55', '02:30', '03:05', '03:30']) await life.subscribe(time, zone);
    await life.runUntil('2027-03-28T00:50:00Z'); // 01:50 CET
    life.stop();
    const restart = '2027-03-28T01:10:00.000Z'; // 03:10 CEST
    await life.start(restart);
    expect(nextDigestIn(await life.command('03:30', zone, '/settings'))).toBe(
      described(firstShowing(date, '03:30', zone), zone),
    );
    await life.runUntil('2027-03-28T02:00:00Z');
    expect(life.of('01:40')).toEqual([{ at: iso(firstShowing(date, '01:40', zone)), date }]);
    for (const time of ['01:55', '02:30', '03:05'])
      expect(life.of(time), time).toEqual([{ at: restart, date }]);
    expect(life.of('03:30')).toEqual([{ at: iso(firstShowing(date, '03:30', zone)), date }]);
  });

  it('restarted across the Lord_Howe gap', async () => {
    const zone = 'Australia/Lord_Howe';
    const date = '2027-10-03';
    const life = new Life();
    await life.start('2027-10-02T14:00:00Z');
    for (const time of ['01:45', '02:15', '02:30', '02:45']) await life.subscribe(time, zone);
    await life.runUntil('2027-10-02T15:20:00Z'); // 01:50 +10:30
    life.stop();
    const restart = '2027-10-02T15:40:00.000Z'; // 02:40 +11:00
    await life.start(restart);
    await life.runUntil('2027-10-02T16:30:00Z');
    expect(life.of('01:45')).toEqual([{ at: iso(firstShowing(date, '01:45', zone)), date }]);
    expect(life.of('02:15')).toEqual([{ at: restart, date }]);
    expect(life.of('02:30')).toEqual([{ at: restart, date }]);
    expect(life.of('02:45')).toEqual([{ at: iso(firstShowing(date, '02:45', zone)), date }]);
  });
});

describe('a fold: one digest, at the first occurrence; a restart in the fold delivers at once', () => {
  it('Europe/Berlin, 2027-10-31 (02:00–03:00 twice), running through both passes', async () => {
    const zone = 'Europe/Berlin';
    const date = '2027-10-31';
    const times = ['01:59', '02:00', '02:30', '02:59', '03:00'];
    const life = new Life();
    await life.start('2027-10-30T22:30:00Z'); // 00:30 CEST
    for (const time of times) {
      const due = firstShowing(date, time, zone);
      expect(await life.subscribe(time, zone)).toBe(
        time.startsWith('02:')
          ? `${described(due, zone)} — the first of the two ${time}s that day (the clocks go back); one digest`
          : described(due, zone),
      );
    }
    await life.runUntil('2027-10-31T02:30:00Z');
    for (const time of times) {
      expect(life.of(time), time).toEqual([{ at: iso(firstShowing(date, time, zone)), date }]);
      expect(life.messages.get(time), time).toBe(1);
    }
    expect(firstShowing(date, '02:30', zone).toISOString()).toBe('2027-10-31T00:30:00.000Z');
  });

  it('Australia/Lord_Howe, 2027-04-04 (01:30–02:00 twice), running through', async () => {
    const zone = 'Australia/Lord_Howe';
    const date = '2027-04-04';
    const times = ['01:29', '01:30', '01:45', '01:59', '02:00'];
    const life = new Life();
    await life.start('2027-04-03T13:30:00Z'); // 00:30 +11:00
    for (const time of times) await life.subscribe(time, zone);
    await life.runUntil('2027-04-03T16:00:00Z');
    for (const time of times) {
      expect(life.of(time), time).toEqual([{ at: iso(firstShowing(date, time, zone)), date }]);
    }
  });

  it('the defect: stopped at 02:29 CEST, started at 02:05 CET, the 02:30 digest goes at once, and only once', async () => {
    const zone = 'Europe/Berlin';
    const date = '2027-10-31';
    const life = new Life();
    await life.start('2027-10-30T22:30:00Z');
    for (const time of ['02:10', '02:30', '02:45', '03:00']) await life.subscribe(time, zone);
    await life.runUntil('2027-10-31T00:29:00Z'); // 02:29 CEST
    expect(life.of('02:30')).toEqual([]);
    life.stop();
    const restart = '2027-10-31T01:05:00.000Z'; // 02:05 CET: the first 02:30 passed while down
    await life.start(restart);
    expect(life.of('02:30')).toEqual([{ at: restart, date }]);
    expect(life.messages.get('02:30')).toBe(1);
    expect(nextDigestIn(await life.command('02:30', zone, '/settings'))).toBe(
      described(firstShowing('2027-11-01', '02:30', zone), zone),
    );
    await life.runUntil('2027-10-31T02:30:00Z'); // past the second 02:30 and 03:00
    expect(life.of('02:10')).toEqual([{ at: iso(firstShowing(date, '02:10', zone)), date }]);
    expect(life.of('02:30')).toEqual([{ at: restart, date }]);
    expect(life.of('02:45')).toEqual([{ at: restart, date }]);
    expect(life.of('03:00')).toEqual([{ at: iso(firstShowing(date, '03:00', zone)), date }]);
    expect(life.messages.get('02:30')).toBe(1);
  });

  it('the whole app, started again inside the fold on the same store, delivers at start', async () => {
    const store = new MemoryStore();
    await seedSubscription(
      store,
      sampleSub('console:local', { time: '02:30', timezone: 'Europe/Berlin', startDate: '2027-10-01' }),
      { lastDigestDate: '2027-10-30' },
    );
    const startConsole = async (at: string) => {
      const output = new PassThrough();
      let text = '';
      output.on('data', (d: Buffer) => {
        text += d.toString();
      });
      const input = new PassThrough();
      const app = await startApp({
        config: loadConfig({}),
        logger: silentLogger,
        store,
        clock: new TestClock(at),
        input,
        output,
      });
      await app.scheduler.startTick();
      return { app, input, output: () => text };
    };
    const before = await startConsole('2027-10-31T00:29:00Z'); // 02:29 CEST
    expect(before.output()).not.toContain('YOUR BRIEFCAST DIGEST');
    await before.app.stop();
    const after = await startConsole('2027-10-31T01:05:00Z'); // 02:05 CET
    expect(after.output()).toContain('YOUR BRIEFCAST DIGEST');
    expect((await store.getSubscription('console:local'))?.delivery).toMatchObject({
      lastDigestDate: '2027-10-31',
    });
    after.input.write('/settings\n');
    await expect.poll(() => after.output()).toContain('Next digest: Mon 1 Nov 2027, 02:30 (Europe/Berlin)');
    await after.app.stop();
  });

  it('restarted inside the Lord_Howe fold, in its second pass', async () => {
    const zone = 'Australia/Lord_Howe';
    const date = '2027-04-04';
    const life = new Life();
    await life.start('2027-04-03T13:30:00Z');
    for (const time of ['01:31', '01:45', '01:55', '02:00']) await life.subscribe(time, zone);
    await life.runUntil('2027-04-03T14:40:00Z'); // 01:40 +11:00, the first pass
    life.stop();
    const restart = '2027-04-03T15:05:00.000Z'; // 01:35 +10:30, the second pass
    await life.start(restart);
    await life.runUntil('2027-04-03T16:00:00Z');
    expect(life.of('01:31')).toEqual([{ at: iso(firstShowing(date, '01:31', zone)), date }]);
    expect(life.of('01:45')).toEqual([{ at: restart, date }]);
    expect(life.of('01:55')).toEqual([{ at: restart, date }]);
    expect(life.of('02:00')).toEqual([{ at: iso(firstShowing(date, '02:00', zone)), date }]);
  });
});

describe('New Year across the date line, at +14:00, +13:45, +05:45, −03:30 and −11:00', () => {
  const ZONES = [
    'Pacific/Kiritimati',
    'Pacific/Chatham',
    'Asia/Kathmandu',
    'America/St_Johns',
    'Pacific/Pago_Pago',
  ];
  const NEW_YEAR = '2028-01-01';

  for (const zone of ZONES) {
    it(`${zone}: 23:59 on the old year's date, 00:00 and 00:01 on the new one`, async () => {
      const life = new Life();
      const evening = firstShowing('2027-12-31', '23:00', zone);
      await life.start(evening);
      for (const time of ['23:59', '00:00', '00:01']) {
        const date = time === '23:59' ? '2027-12-31' : NEW_YEAR;
        expect(await life.subscribe(time, zone), time).toBe(described(firstShowing(date, time, zone), zone));
      }
      await life.runUntil(new Date(evening.getTime() + 2 * 3_600_000));
      expect(life.of('23:59')).toEqual([
        { at: iso(firstShowing('2027-12-31', '23:59', zone)), date: '2027-12-31' },
      ]);
      expect(life.of('00:00')).toEqual([{ at: iso(firstShowing(NEW_YEAR, '00:00', zone)), date: NEW_YEAR }]);
      expect(life.of('00:01')).toEqual([{ at: iso(firstShowing(NEW_YEAR, '00:01', zone)), date: NEW_YEAR }]);
    });

    it(`${zone}: restarted across midnight, the new day's due digest goes at once, the old day's is not sent late`, async () => {
      const life = new Life();
      await life.start(firstShowing('2027-12-31', '23:00', zone));
      for (const time of ['23:59', '00:00', '00:30']) await life.subscribe(time, zone);
      await life.runUntil(firstShowing('2027-12-31', '23:30', zone));
      life.stop();
      const restart = firstShowing(NEW_YEAR, '00:15', zone);
      await life.start(restart);
      // Down at 23:59 on New Year's Eve: that day is over, so its digest is not sent on the 1st; the
      // next one (covering both days) is at 23:59 on the 1st.
      expect(nextDigestIn(await life.command('23:59', zone, '/settings'))).toBe(
        described(firstShowing(NEW_YEAR, '23:59', zone), zone),
      );
      await life.runUntil(firstShowing(NEW_YEAR, '01:00', zone));
      expect(life.of('23:59')).toEqual([]);
      expect(life.of('00:00')).toEqual([{ at: iso(restart), date: NEW_YEAR }]);
      expect(life.of('00:30')).toEqual([{ at: iso(firstShowing(NEW_YEAR, '00:30', zone)), date: NEW_YEAR }]);
    });
  }

  it('at one instant, +14:00 gets its New Year digest while −11:00 gets its New Year’s Eve digest', async () => {
    const life = new Life();
    await life.start('2027-12-31T21:30:00Z');
    await life.subscribe('12:00', 'Pacific/Kiritimati');
    await life.subscribe('12:00', 'Pacific/Pago_Pago');
    await life.runUntil('2027-12-31T23:30:00Z');
    const kiritimati = firstShowing(NEW_YEAR, '12:00', 'Pacific/Kiritimati');
    const pagoPago = firstShowing('2027-12-31', '12:00', 'Pacific/Pago_Pago');
    expect(wallDate(kiritimati, 'UTC')).toBe(wallDate(pagoPago, 'UTC')); // the same UTC day, a day apart locally
    expect(life.deliveries).toEqual([
      { time: '12:00', at: iso(kiritimati), date: NEW_YEAR },
      { time: '12:00', at: iso(pagoPago), date: '2027-12-31' },
    ]);
  });
});
