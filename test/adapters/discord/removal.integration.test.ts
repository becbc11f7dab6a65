import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAUSE_REASON } from '../../../src/adapters/discord/chat-removal.js';
import { GUILD_ID, type Harness, NEWS_ID, OTHER_ID, startHarness, THREAD_ID } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  for (const channelId of [NEWS_ID, THREAD_ID, OTHER_ID])
    await h.command('subscribe', 'moderator', {}, { channelId });
});
afterEach(async () => {
  await h?.stop();
});

const statusOf = async (channelId: string) => {
  const sub = await h.store.getSubscription(`discord:${channelId}`);
  return sub && { status: sub.settings.status, reason: sub.settings.pausedReason };
};

describe('Discord chats going away', () => {
  it('pauses every subscription of a server the bot was removed from, and no other', async () => {
    h.fake.removeGuild(GUILD_ID);
    await expect
      .poll(() => statusOf(NEWS_ID))
      .toEqual({ status: 'paused', reason: PAUSE_REASON.removedFromServer });
    await expect
      .poll(() => statusOf(THREAD_ID))
      .toEqual({ status: 'paused', reason: PAUSE_REASON.removedFromServer });
    expect(await statusOf(OTHER_ID)).toEqual({ status: 'active', reason: undefined });
  });

  it('pauses nothing when a server is only unavailable (an outage)', async () => {
    h.fake.removeGuild(GUILD_ID, { unavailable: true });
    // Gateway events arrive in order: once the later deletion is handled, the outage was too.
    h.fake.deleteChannel(OTHER_ID);
    await expect.poll(() => statusOf(OTHER_ID)).toMatchObject({ status: 'paused' });
    expect(await statusOf(NEWS_ID)).toEqual({ status: 'active', reason: undefined });
  });

  it('pauses a deleted channel’s subscription, and a deleted thread’s', async () => {
    h.fake.deleteChannel(THREAD_ID);
    await expect
      .poll(() => statusOf(THREAD_ID))
      .toEqual({ status: 'paused', reason: 'the channel was deleted' });
    expect(await statusOf(NEWS_ID)).toMatchObject({ status: 'active' });
    h.fake.deleteChannel(NEWS_ID);
    await expect
      .poll(() => statusOf(NEWS_ID))
      .toEqual({ status: 'paused', reason: 'the channel was deleted' });
    expect(await statusOf(OTHER_ID)).toMatchObject({ status: 'active' });
  });
});
