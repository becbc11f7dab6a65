/**
 * Fault drill: two Briefcast processes on one PostgreSQL database (issue #11, "Several processes").
 *
 * Both run the real entry point (`src/main.ts`) with the same `DATABASE_URL`, against one fake
 * Telegram and one fake Discord in this process; each runs one of two Discord shards. The drill
 * holds the leader lock while both start (both stand by), then lets go: the one that takes the lead
 * fans out to 2,000 Telegram chats and 600 Discord channels, all
 * due. A third of the way through the Telegram fan-out it is SIGKILLed (no shutdown, no claims given
 * back). PostgreSQL frees the advisory lock as the leader's connection dies, the standby takes the
 * lead at its next try (`LEADER_RETRY_SECONDS`, 5 s), takes over the dead leader's claims and
 * finishes the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeGuild } from '../../fakes/discord/index.js';
import { freePort } from '../../fakes/shared/listen.js';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import { LEADER_LOCK_KEY } from '../../src/cluster/leadership.js';
import type { ChatRef } from '../../src/core/chat.js';
import type { SubscriptionRecord } from '../../src/core/subscription.js';
import { DISCORD_CONCURRENCY } from '../../src/delivery/gates.js';
import { silentLogger } from '../../src/log.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { MemoryWireStore } from '../../src/wire/memory-store.js';
import { freshDatabase } from '../helpers/postgres.js';
import { type ChildApp, killAll, startChild, waitUntil } from './child-app.js';
import { addFreshItem, dueSubscription, noonZone, todayIn } from './seed.js';

const TELEGRAM_TOKEN = '7000000001:AAfake-drill-token_0123456789';
const DISCORD_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.drill-token';
const APPLICATION_ID = '100000000000000001';

const TELEGRAM_CHATS = 2_000;
/** Fast enough that the drill takes seconds, slow enough that the kill lands mid-run. */
const TELEGRAM_RATE = 300;
/** 600 channels: discord.js posts about 60 a second here, so its run is under way at the kill too. */
const DISCORD_GUILDS = 12;
const CHANNELS_PER_GUILD = 50;
/** What issue #11 promises: a standby resumes the run within 15 s of the leader's death. */
const TAKEOVER_BOUND_MS = 15_000;
const START_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 40_000;

let db: Awaited<ReturnType<typeof freshDatabase>>;
const dirs: string[] = [];
beforeAll(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  await killAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await db.drop();
});

/** Opens the drill's database through the store's public API. */
function openStore(): Promise<PostgresStore> {
  return PostgresStore.open(db.url, { logger: silentLogger, wire: new MemoryWireStore() });
}

/** One item and a due subscription (00:00 in `zone`) for each chat. */
async function seed(chats: readonly { chat: ChatRef; kind: 'private' | 'group' }[], zone: string) {
  const store = await openStore();
  try {
    await addFreshItem(store);
    for (const { chat, kind } of chats) await store.saveSubscription(dueSubscription(chat, kind, zone));
  } finally {
    await store.close();
  }
}

/** Every subscription in the database, a page at a time. */
async function readAll(): Promise<SubscriptionRecord[]> {
  const store = await openStore();
  try {
    const all: SubscriptionRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const { records } = await store.subscriptionPage({ limit: 500, ...(after !== undefined && { after }) });
      all.push(...records);
      if (records.length < 500) return all;
      after = records.at(-1)?.settings.key;
    }
  } finally {
    await store.close();
  }
}

/** A child's `/healthz` report. */
async function health(url: string): Promise<unknown> {
  return (await fetch(url)).json();
}

const logged = (child: ChildApp, msg: string, timeoutMs: number) =>
  child.waitForLog((l) => l.msg === msg, timeoutMs);

describe('two processes on one database, the leader killed with kill -9 mid-fan-out', () => {
  it('the standby takes over within 15 s and finishes the run: none lost, Discord none doubled, Telegram within the in-flight bound', {
    timeout: 120_000,
  }, async () => {
    const telegram = new FakeTelegram({ token: TELEGRAM_TOKEN, recordSent: false });
    const guilds: FakeGuild[] = Array.from({ length: DISCORD_GUILDS }, (_, g) => ({
      id: String(310_000_000_000_000_000n + BigInt(g) * (1n << 22n)),
      name: `Guild ${g}`,
      channels: Array.from({ length: CHANNELS_PER_GUILD }, (_, c) => ({
        id: String(320_000_000_000_000_000n + BigInt(g) * 1000n + BigInt(c)),
        name: `news-${c}`,
      })),
    }));
    const discord = new FakeDiscord({ applicationId: APPLICATION_ID, guilds });
    const { apiRoot } = await telegram.start();
    const { apiUrl } = await discord.start();
    try {
      const zone = noonZone();
      const chatIds = Array.from({ length: TELEGRAM_CHATS }, (_, i) => 1_000_000 + i);
      const channelIds = guilds.flatMap((g) => g.channels.map((c) => c.id));
      await seed(
        [
          ...chatIds.map((id) => ({
            chat: { platform: 'telegram', id: String(id) } as const,
            kind: 'private' as const,
          })),
          ...channelIds.map((id) => ({ chat: { platform: 'discord', id } as const, kind: 'group' as const })),
        ],
        zone,
      );
      const envFor = async (shard: number) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'briefcast-drill-two-'));
        dirs.push(dir);
        const healthPort = await freePort();
        return {
          dir,
          health: `http://127.0.0.1:${healthPort}/healthz`,
          env: {
            HEALTH_PORT: String(healthPort),
            TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
            TELEGRAM_API_ROOT: apiRoot,
            TELEGRAM_MAX_PER_SECOND: String(TELEGRAM_RATE),
            DISCORD_TOKEN,
            DISCORD_APPLICATION_ID: APPLICATION_ID,
            DISCORD_API_URL: apiUrl,
            DISCORD_SHARDS: String(shard),
            DISCORD_SHARD_COUNT: '2',
            DATABASE_URL: db.url,
            DATABASE_FILE: path.join(dir, 'db.json'),
            LOG_LEVEL: 'info',
          },
        };
      };

      // The drill holds the lock while both start, so the fan-out begins only once both are up.
      const holder = new pg.Client({ connectionString: db.url });
      await holder.connect();
      await holder.query('SELECT pg_advisory_lock($1)', [String(LEADER_LOCK_KEY)]);
      const a = await envFor(0);
      const b = await envFor(1);
      const children = [startChild(a.env, a.dir), startChild(b.env, b.dir)] as const;
      for (const child of children) {
        await child.waitForLog((l) => l.msg === 'ready' && l.role === 'standby', START_TIMEOUT_MS);
      }
      expect(discord.identifies.map((i) => i.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(await health(a.health)).toMatchObject({ status: 'ok', role: 'standby', shards: [0] });
      expect(await health(b.health)).toMatchObject({ status: 'ok', role: 'standby', shards: [1] });
      // Two standbys: nobody polls Telegram yet.
      expect(telegram.stats.byMethod.getUpdates ?? 0).toBe(0);
      await holder.end();
      const leading = (c: ChildApp) => c.logs.some((l) => l.msg === 'leading: this process delivers');
      const leader = await waitUntil(
        () => children.find(leading),
        START_TIMEOUT_MS,
        () => `no process took the lead:\n${children.map((c) => c.tail()).join('\n')}`,
      );
      const first = leader === children[0];
      const standby = first ? children[1] : children[0];
      const [leaderHealth, standbyHealth] = first ? [a.health, b.health] : [b.health, a.health];
      expect(await health(leaderHealth)).toMatchObject({ role: 'leader', leader: true });
      expect(await health(standbyHealth)).toMatchObject({ role: 'standby', leader: false });

      const third = Math.floor(TELEGRAM_CHATS / 3);
      await waitUntil(
        () => telegram.stats.accepted >= third || !leader.alive(),
        RUN_TIMEOUT_MS,
        () => `only ${telegram.stats.accepted} digests sent; leader output:\n${leader.tail()}`,
      );
      if (!leader.alive()) throw new Error(`the leader exited before the kill:\n${leader.tail()}`);
      expect(await leader.kill9()).toEqual({ code: null, signal: 'SIGKILL' });
      const killedAt = Date.now();
      const atKill = { telegram: telegram.stats.accepted, discord: discord.messages.length };
      expect(atKill.telegram).toBeLessThan(TELEGRAM_CHATS);
      expect(atKill.discord).toBeLessThan(channelIds.length);

      // Resumed: sends beyond any that were in flight at the kill (at most TELEGRAM_RATE) arrive.
      await waitUntil(
        () => telegram.stats.accepted > atKill.telegram + TELEGRAM_RATE || !standby.alive(),
        TAKEOVER_BOUND_MS,
        () => `the standby did not resume within ${TAKEOVER_BOUND_MS} ms; its output:\n${standby.tail()}`,
      );
      const resumedAfterMs = Date.now() - killedAt;
      expect(resumedAfterMs).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
      const led = await logged(standby, 'leading: this process delivers', 1_000);
      const ledAfterMs = Number(led.time) - killedAt;
      expect(await health(standbyHealth)).toMatchObject({ role: 'leader', leader: true });
      await logged(standby, 'delivery run finished', RUN_TIMEOUT_MS);
      const finishedAfterMs = Date.now() - killedAt;
      expect(await standby.terminate()).toEqual({ code: 0, signal: null });

      const counts = chatIds.map((id) => telegram.sentCount(id));
      const missing = counts.filter((n) => n === 0).length;
      const duplicates = counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
      expect(missing).toBe(0);
      // Only sends in flight at the kill repeat: at most the Telegram lane's concurrency.
      expect(duplicates).toBeLessThanOrEqual(TELEGRAM_RATE);
      const posts = channelIds.map((id) => discord.messagesIn(id).length);
      expect(posts.filter((n) => n !== 1)).toEqual([]);
      const requests = discord.stats.byRoute['POST /channels/:id/messages'] ?? 0;
      const absorbed = requests - discord.messages.length;
      expect(absorbed).toBeLessThanOrEqual(DISCORD_CONCURRENCY);

      const today = todayIn(zone);
      const subs = await readAll();
      expect(subs).toHaveLength(TELEGRAM_CHATS + channelIds.length);
      expect(
        subs.filter((s) => s.delivery.lastDigestDate !== today || s.delivery.claim !== undefined).length,
      ).toBe(0);
      console.info(
        `two-process drill: leader killed at ${atKill.telegram}/${TELEGRAM_CHATS} Telegram, ${atKill.discord}/${channelIds.length} Discord; ` +
          `standby led ${(ledAfterMs / 1000).toFixed(1)} s, resumed ${(resumedAfterMs / 1000).toFixed(1)} s and finished ${(finishedAfterMs / 1000).toFixed(1)} s after the kill; ` +
          `lost 0, Telegram duplicates ${duplicates} (bound ${TELEGRAM_RATE}), Discord resends absorbed ${absorbed}, doubled 0`,
      );
    } finally {
      await killAll();
      await telegram.stop();
      await discord.stop();
    }
  });
});
