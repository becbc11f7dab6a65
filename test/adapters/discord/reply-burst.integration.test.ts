/**
 * Issue #16 on Discord: a burst of commands in one channel, with channel posts to the same channel
 * (a digest) at the same moment, against the fake enforcing Discord's limits (5 messages per 5 s per
 * channel, 50 requests/s overall, with `x-ratelimit-*` headers). Replies go through interaction
 * callbacks and follow-ups, which discord.js's REST queue sends; no gate of ours waits on an answer
 * there, so nothing should sit out a fixed bound: every command answered at once, and the channel
 * posts at the channel bucket's rate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRef } from '../../../src/core/chat.js';
import { textDoc } from '../../../src/core/document.js';
import { type Harness, NEWS_ID, startHarness } from './harness.js';

const NEWS: ChatRef = { platform: 'discord', id: NEWS_ID };
const CHANNEL_LIMIT = 5;
const CHANNEL_WINDOW_MS = 1_000;
/** Discord invalidates an interaction not answered within 3 s; ours answer well within it. */
const PROMPT_MS = 1_500;
/** Posts beyond the bucket go when it resets: a window later, plus discord.js's own timer. */
const BUCKET_SLACK_MS = 700;
/** Items of about 1,300 characters: together more than one Discord message (6,000) holds. */
const LONG_ITEMS = 8;
/** No new follow-up for this long: the replies are complete. */
const QUIET_MS = 500;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('a burst of commands in one Discord channel', () => {
  it('answers five commands at once promptly, while a digest fills the channel’s bucket', {
    timeout: 20_000,
  }, async () => {
    h = await startHarness({
      fake: { limits: { channelPerFiveSeconds: CHANNEL_LIMIT, channelWindowMs: CHANNEL_WINDOW_MS } },
    });
    const { interact, adapter, fake } = h;
    const start = Date.now();
    // A digest of seven parts posted to #news: more than the channel's bucket holds at once.
    const posts = Array.from({ length: CHANNEL_LIMIT + 2 }, (_, i) => {
      const [part] = adapter.sender.render(textDoc(`Digest part ${i + 1}`));
      return adapter.sender.send(NEWS, part!, { kind: 'digest', nonce: `burst-${i}` }).then((outcome) => ({
        outcome,
        at: Date.now() - start,
      }));
    });
    const records = [
      interact('command', 'member', { name: 'help' }),
      interact('command', 'member', { name: 'topics' }),
      interact('command', 'member', { name: 'brief', options: { date: '2022-01-11' } }),
      interact('command', 'member', { name: 'topic', options: { topic: 'nft', count: 10 } }),
      interact('command', 'member', { name: 'settings' }),
    ];
    const answers = await Promise.all(records.map((r) => r.settled(5_000)));
    expect(answers.map((a) => a.kind)).toEqual(Array(records.length).fill('message'));
    for (const r of records) {
      expect(r.callbacks).toHaveLength(1);
      expect(r.respondedAfterMs).toBeLessThan(PROMPT_MS);
    }
    const sent = await Promise.all(posts);
    expect(sent.map((s) => s.outcome.kind)).toEqual(Array(sent.length).fill('sent'));
    const times = sent.map((s) => s.at).sort((a, b) => a - b);
    // The bucket's five at once, the rest when it resets — not a fixed bound later.
    expect(times[CHANNEL_LIMIT - 1]!).toBeLessThan(PROMPT_MS);
    expect(times.at(-1)!).toBeLessThan(CHANNEL_WINDOW_MS + PROMPT_MS + BUCKET_SLACK_MS);
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(CHANNEL_LIMIT + 2);
    expect(fake.stats.rejected429).toBe(0);
  });

  it('sends five long replies’ follow-ups at once, none waiting on a bound', {
    timeout: 20_000,
  }, async () => {
    h = await startHarness({
      fake: { limits: { channelPerFiveSeconds: CHANNEL_LIMIT, channelWindowMs: CHANNEL_WINDOW_MS } },
    });
    const { interact, newsroom, clock } = h;
    // Enough long items on the sample day that its briefing needs more than one Discord message.
    const author = { platform: 'discord', id: '200000000000000001', name: 'edna' } as const;
    for (let i = 0; i < LONG_ITEMS; i++) {
      const body = `Paragraph ${i}. ${'The rule changes how miners report their power use. '.repeat(25)}`;
      await newsroom.post({ topic: 'mining', headline: `Long item ${i}`, body }, author, clock.now());
    }
    const started = Date.now();
    const records = Array.from({ length: 5 }, () =>
      interact('command', 'member', { name: 'brief', options: { date: '2022-01-11' } }),
    );
    await Promise.all(records.map((r) => r.settled(5_000)));
    // Follow-ups come after the first answer: wait until none has come for a while.
    let total = -1;
    let lastChange = Date.now();
    for (let round = 0; round < 200 && Date.now() - lastChange < QUIET_MS; round++) {
      const now = records.reduce((n, r) => n + r.followUps.length, 0);
      if (now !== total) [total, lastChange] = [now, Date.now()];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const followUps = records.map((r) => r.followUps.length);
    expect(followUps[0]).toBeGreaterThan(0);
    expect(followUps).toEqual(Array(records.length).fill(followUps[0]));
    expect(lastChange - started).toBeLessThan(PROMPT_MS);
    for (const r of records) expect(r.respondedAfterMs).toBeLessThan(PROMPT_MS);
    expect(h.fake.stats.rejected429).toBe(0);
  });
});
