import { describe, expect, it } from 'vitest';
import type { Draft, NewDraft } from '../../src/wire/model.js';
import { MAX_SEEN_KEYS_PER_FEED, type WireBatch, type WireStore } from '../../src/wire/store.js';

const EDITOR = { platform: 'console' as const, id: 'local', name: 'Ed' };
const OTHER = { platform: 'console' as const, id: 'second', name: 'Rita' };
const AT = '2026-11-30T02:00:00.000Z';

const feedInput = (url = 'https://news.example.org/rss') => ({
  url,
  auto: false,
  status: 'active' as const,
  addedBy: EDITOR,
  addedAt: AT,
  failures: 0,
  entriesSeen: 0,
});

const draft = (feedId: number, key: string): NewDraft => ({
  feedId,
  key,
  headline: `Headline ${key}`,
  body: 'Body.',
  createdAt: AT,
  topic: 'mining',
});

/**
 * The rules every wire store keeps, run against each store: `make` opens a fresh one, `reopen`
 * (when the store persists) opens the same data again as a restarted bot would.
 */
export function wireStoreContract(
  name: string,
  make: () => Promise<WireStore>,
  reopen?: (store: WireStore) => Promise<WireStore>,
): void {
  describe(`${name}: the wire store contract`, () => {
    it('numbers feeds from 1, never reusing an id, and updates and clears fields', async () => {
      const store = await make();
      const a = await store.addFeed(feedInput('https://a.example/rss'));
      const b = await store.addFeed(feedInput('https://b.example/rss'));
      expect([a.id, b.id]).toEqual([1, 2]);
      await store.updateFeed(1, { status: 'paused', pausedReason: 'x' });
      await store.updateFeed(1, { status: 'active', pausedReason: undefined });
      expect(await store.getFeed(1)).not.toHaveProperty('pausedReason');
      expect(await store.deleteFeed(1)).toBe(true);
      expect(await store.deleteFeed(1)).toBe(false);
      expect((await store.addFeed(feedInput('https://c.example/rss'))).id).toBe(3);
      expect((await store.listFeeds()).map((f) => f.id)).toEqual([2, 3]);
      expect(await store.updateFeed(99, { failures: 1 })).toBeUndefined();
    });

    it('records a poll once: drafts only for unseen keys, keys marked seen, the feed updated', async () => {
      const store = await make();
      const feed = await store.addFeed(feedInput());
      expect(await store.unseenKeys(feed.id, ['a', 'b', 'a'])).toEqual(['a', 'b']);
      const stored = await store.recordPoll(
        feed.id,
        ['a', 'b', 'c'],
        [draft(feed.id, 'a'), draft(feed.id, 'b')],
        {
          entriesSeen: 3,
          etag: '"v1"',
        },
      );
      expect(stored.map((d) => [d.id, d.key, d.state])).toEqual([
        [1, 'a', 'waiting'],
        [2, 'b', 'waiting'],
      ]);
      expect(await store.unseenKeys(feed.id, ['a', 'c', 'd'])).toEqual(['d']);
      // A poll repeated (after a crash, say) adds nothing twice.
      expect(await store.recordPoll(feed.id, ['a'], [draft(feed.id, 'a')], {})).toEqual([]);
      expect(await store.getFeed(feed.id)).toMatchObject({ entriesSeen: 3, etag: '"v1"' });
      expect(await store.recordPoll(99, ['x'], [draft(99, 'x')], {})).toEqual([]);
    });

    it(`keeps at most ${MAX_SEEN_KEYS_PER_FEED} seen keys per feed, forgetting the oldest`, async () => {
      const store = await make();
      const feed = await store.addFeed(feedInput());
      const keys = Array.from({ length: MAX_SEEN_KEYS_PER_FEED + 600 }, (_, i) => `k${i}`);
      for (let i = 0; i < keys.length; i += 500)
        await store.recordPoll(feed.id, keys.slice(i, i + 500), [], {});
      expect(await store.unseenKeys(feed.id, ['k0', `k${keys.length - 1}`])).toEqual(['k0']);
      const again = reopen ? await reopen(store) : store;
      expect(await again.unseenKeys(feed.id, ['k0', `k${keys.length - 1}`])).toEqual(['k0']);
    });

    it('decides a waiting draft once: a compare-and-set, whoever comes second sees the first decision', async () => {
      const store = await make();
      const feed = await store.addFeed(feedInput());
      await store.recordPoll(feed.id, ['a'], [draft(feed.id, 'a')], {});
      const [one, two] = await Promise.all([
        store.decideDraft(1, { state: 'published', by: EDITOR, at: AT }),
        store.decideDraft(1, { state: 'skipped', by: OTHER, at: AT }),
      ]);
      expect([one.ok, two.ok].sort()).toEqual([false, true]);
      // Either may win (a database on a pool runs the two on two connections); the loser sees the winner's.
      const [winner, loser] = one.ok ? [one, two] : [two, one];
      expect(loser.draft).toEqual(winner.draft);
      await store.setDraftItem(1, 42);
      expect(await store.getDraft(1)).toMatchObject({
        state: winner.draft?.state,
        decidedBy: winner.draft?.decidedBy,
        itemId: 42,
      });
      expect(await store.decideDraft(99, { state: 'skipped', by: EDITOR, at: AT })).toEqual({ ok: false });
    });

    it('reopens a decision that could not be carried out', async () => {
      const store = await make();
      const feed = await store.addFeed(feedInput());
      await store.recordPoll(feed.id, ['a'], [draft(feed.id, 'a')], {});
      const decision = { state: 'published' as const, by: EDITOR, at: AT };
      await store.decideDraft(1, decision);
      await store.reopenDraft(1, decision);
      const reopened = (await store.getDraft(1)) as Draft;
      expect(reopened.state).toBe('waiting');
      expect(reopened).not.toHaveProperty('decidedBy');
    });

    it('lists drafts newest first with the total, after an id, and drops a removed feed’s waiting ones', async () => {
      const store = await make();
      const feed = await store.addFeed(feedInput());
      await store.recordPoll(
        feed.id,
        [],
        ['a', 'b', 'c'].map((k) => draft(feed.id, k)),
        {},
      );
      await store.decideDraft(2, { state: 'skipped', by: EDITOR, at: AT });
      expect(await store.listDrafts({ state: 'waiting', limit: 1 })).toMatchObject({
        total: 2,
        drafts: [{ id: 3 }],
      });
      expect(
        (await store.listDrafts({ state: 'waiting', limit: 5, afterId: 1 })).drafts.map((d) => d.id),
      ).toEqual([3]);
      await store.deleteFeed(feed.id);
      expect((await store.listDrafts({ state: 'waiting', limit: 5 })).total).toBe(0);
      expect((await store.listDrafts({ state: 'skipped', limit: 5 })).total).toBe(1);
    });

    it('pages drafts newest first before an id, and between two ids', async () => {
      const store = await make();
      const feed = await store.addFeed(feedInput());
      await store.recordPoll(
        feed.id,
        [],
        ['a', 'b', 'c', 'd', 'e'].map((k) => draft(feed.id, k)),
        {},
      );
      await store.decideDraft(3, { state: 'skipped', by: EDITOR, at: AT });
      const first = await store.listDrafts({ state: 'waiting', limit: 2 });
      expect(first.drafts.map((d) => d.id)).toEqual([5, 4]);
      expect(first.total).toBe(4);
      const next = await store.listDrafts({ state: 'waiting', limit: 2, beforeId: 4 });
      expect(next.drafts.map((d) => d.id)).toEqual([2, 1]);
      expect(next.total).toBe(2);
      expect((await store.listDrafts({ state: 'waiting', limit: 2, beforeId: 1 })).drafts).toEqual([]);
      const between = await store.listDrafts({ state: 'waiting', limit: 5, afterId: 1, beforeId: 5 });
      expect(between.drafts.map((d) => d.id)).toEqual([4, 2]);
      expect(
        (await store.listDrafts({ state: 'skipped', limit: 5, beforeId: 4 })).drafts.map((d) => d.id),
      ).toEqual([3]);
    });

    it('keeps each editor’s notification cursor, never moving it back', async () => {
      const store = await make();
      expect(await store.notifiedUpTo('telegram:1')).toBe(0);
      await store.setNotifiedUpTo('telegram:1', 5);
      await store.setNotifiedUpTo('telegram:1', 3);
      const again = reopen ? await reopen(store) : store;
      expect(await again.notifiedUpTo('telegram:1')).toBe(5);
    });

    it('exports everything in pages and imports it elsewhere with ids, decisions and cursors kept', async () => {
      const source = await make();
      const gone = await source.addFeed(feedInput('https://gone.example/rss'));
      const feed = await source.addFeed(feedInput());
      await source.updateFeed(feed.id, { status: 'paused', pausedReason: 'by an editor', pausedBy: OTHER });
      const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
      await source.recordPoll(
        feed.id,
        keys,
        ['k1', 'k2', 'k3'].map((k) => draft(feed.id, k)),
        {},
      );
      await source.decideDraft(2, { state: 'published', by: EDITOR, at: AT, topic: 'energy' });
      await source.setDraftItem(2, 17);
      await source.setNotifiedUpTo('telegram:1', 2);
      await source.setNotifiedUpTo('discord:7', 3);
      await source.deleteFeed(gone.id);
      const batches: WireBatch[] = [];
      for await (const batch of source.exportWire(2)) batches.push(batch);
      expect(batches[0]).toEqual({ kind: 'ids', nextFeedId: 3, nextDraftId: 4 });
      expect(
        batches.every(
          (b) => ('feeds' in b ? b.feeds : 'drafts' in b ? b.drafts : 'keys' in b ? b.keys : []).length <= 2,
        ),
      ).toBe(true);

      const target = await make();
      for (const batch of batches) await target.importWire(batch);
      expect(await target.listFeeds()).toEqual(await source.listFeeds());
      for (const id of [1, 2, 3]) expect(await target.getDraft(id)).toEqual(await source.getDraft(id));
      expect(await target.getDraft(2)).toMatchObject({ state: 'published', itemId: 17, topic: 'energy' });
      expect(await target.unseenKeys(feed.id, [...keys, 'new'])).toEqual(['new']);
      expect(await target.notifiedUpTo('telegram:1')).toBe(2);
      expect(await target.notifiedUpTo('discord:7')).toBe(3);
      // The removed feed's id is not given again, nor a draft id.
      expect((await target.addFeed(feedInput('https://x.example/rss'))).id).toBe(3);
      const next = await target.recordPoll(feed.id, ['n'], [draft(feed.id, 'n')], {});
      expect(next.map((d) => d.id)).toEqual([4]);
    });

    it('imports over what is there: same ids replaced, later ids above the largest, seen keys bounded', async () => {
      const store = await make();
      const feed = await store.addFeed(feedInput());
      await store.recordPoll(feed.id, [], [draft(feed.id, 'a')], {});
      await store.importWire({
        kind: 'feeds',
        feeds: [
          { ...feed, title: 'Replaced' },
          { ...feed, id: 40 },
        ],
      });
      expect(await store.getFeed(feed.id)).toMatchObject({ title: 'Replaced' });
      await store.importWire({
        kind: 'drafts',
        drafts: [
          { ...draft(feed.id, 'z'), id: 90, state: 'skipped', decidedBy: EDITOR, decidedAt: AT },
          { ...draft(feed.id, 'a'), id: 1, state: 'waiting', headline: 'Edited' },
        ],
      });
      expect(await store.getDraft(1)).toMatchObject({ headline: 'Edited' });
      expect((await store.listDrafts({ state: 'skipped', limit: 5 })).drafts.map((d) => d.id)).toEqual([90]);
      expect((await store.addFeed(feedInput('https://x.example/rss'))).id).toBe(41);
      const next = await store.recordPoll(feed.id, [], [draft(feed.id, 'b')], {});
      expect(next.map((d) => d.id)).toEqual([91]);
      // The ids batch raises the next ids, never lowers them.
      await store.importWire({ kind: 'ids', nextFeedId: 5, nextDraftId: 200 });
      expect((await store.addFeed(feedInput('https://y.example/rss'))).id).toBe(42);
      expect((await store.recordPoll(feed.id, [], [draft(feed.id, 'c')], {})).map((d) => d.id)).toEqual([
        200,
      ]);
      const many = Array.from({ length: MAX_SEEN_KEYS_PER_FEED + 600 }, (_, i) => `s${i}`);
      await store.importWire({ kind: 'seen', feedId: 40, keys: many });
      expect(await store.unseenKeys(40, ['s0', 's600', many.at(-1) as string])).toEqual(['s0']);
    });

    if (reopen)
      it('survives a restart: feeds, drafts, seen keys and ids carry on', async () => {
        const store = await make();
        const feed = await store.addFeed(feedInput());
        await store.recordPoll(feed.id, ['a', 'b'], [draft(feed.id, 'a')], { title: '链闻' });
        const again = await reopen(store);
        expect(await again.getFeed(feed.id)).toMatchObject({ title: '链闻' });
        expect(await again.unseenKeys(feed.id, ['a', 'b', 'c'])).toEqual(['c']);
        const next = await again.recordPoll(feed.id, ['c'], [draft(feed.id, 'c')], {});
        expect(next.map((d) => d.id)).toEqual([2]);
        expect((await again.addFeed(feedInput('https://x.example/rss'))).id).toBe(2);
      });
  });
}
