import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatKey } from '../../../src/core/chat.js';
import { DM_ID, GUILD_ID, type Harness, NEWS_ID, startHarness, THREAD_ID, textOf, USERS } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

const NEWS = chatKey({ platform: 'discord', id: NEWS_ID });

describe('Discord reader commands (a real discord.js client against the fake)', () => {
  it('registers the generated commands in DISCORD_GUILD_ID at start', () => {
    const names = h.fake.guildCommands.get(GUILD_ID)?.map((c) => c.name);
    expect(names).toContain('brief');
    expect(names).not.toContain('start');
    expect(h.adapter.isConnected()).toBe(true);
  });

  it('stops cleanly: disconnected from the gateway, safe to stop twice', async () => {
    await h.adapter.stop();
    expect(h.adapter.isConnected()).toBe(false);
    await h.adapter.stop();
  });

  it('/help lists the commands and the topics', async () => {
    const answer = await h.command('help', 'member');
    expect(answer).toMatchObject({ kind: 'message', ephemeral: false, allowed_mentions: { parse: [] } });
    expect(textOf(answer)).toContain('/brief');
    expect(textOf(answer)).toContain('mining');
  });

  it('/brief shows the day’s briefing in embeds, and a bad date is an ephemeral usage reply', async () => {
    const answer = await h.command('brief', 'member', { date: '2022-01-11' });
    expect(answer.embeds?.[0]?.title).toBe('Briefing — Tue 11 Jan 2022');
    expect(textOf(answer)).toContain('China lists crypto mining as an industry to retire');
    const bad = await h.command('brief', 'member', { date: '11/01/2022' });
    expect(bad.ephemeral).toBe(true);
    expect(bad.content).toContain('is not a date');
  });

  it('/topic takes its topic as a choice and its count as an integer', async () => {
    const answer = await h.command('topic', 'member', { topic: 'mining', count: 1 });
    expect(answer.embeds?.[0]?.title).toMatch(/Crypto mining — latest 1 of \d+/);
  });

  it('/topics lists every topic', async () => {
    const answer = await h.command('topics', 'member');
    expect(textOf(answer)).toMatch(/policy.*\n.*nft/s);
  });

  it('/settings answers privately', async () => {
    const answer = await h.command('settings', 'member');
    expect(answer.ephemeral).toBe(true);
    expect(textOf(answer)).toContain('no subscription');
  });

  it('autocompletes a topic list by its last fragment, keeping the earlier ones', async () => {
    const record = h.interact('autocomplete', 'member', {
      name: 'subscribe',
      options: { topics: 'mining, n' },
      focused: 'topics',
    });
    const answer = await record.settled();
    expect(answer.kind).toBe('autocomplete');
    expect(answer.choices?.[0]).toEqual({ name: 'mining, 🖼️ NFTs', value: 'mining,nft' });
  });

  it('autocompletes time zones', async () => {
    const answer = await h
      .interact('autocomplete', 'member', {
        name: 'subscribe',
        options: { timezone: 'berl' },
        focused: 'timezone',
      })
      .settled();
    expect(answer.choices?.[0]).toEqual({ name: 'Europe/Berlin', value: 'Europe/Berlin' });
    expect(answer.choices?.length).toBeLessThanOrEqual(25);
  });
});

describe('Discord subscriptions: who may subscribe a channel', () => {
  it('refuses a member with neither Manage Server nor Manage Channels', async () => {
    const answer = await h.command('subscribe', 'member', { topics: 'mining' });
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain("Only this chat's admins");
    expect(await h.store.getSubscription(NEWS)).toBeUndefined();
  });

  it('lets a member with only Manage Channels subscribe, with the options given', async () => {
    const answer = await h.command('subscribe', 'moderator', {
      topics: 'mining,nft',
      time: '7:30',
      timezone: 'Europe/Berlin',
    });
    expect(answer.ephemeral).toBe(false);
    expect(answer.embeds?.[0]?.title).toBe('Subscribed. This chat will get a digest every day.');
    const sub = await h.store.getSubscription(NEWS);
    expect(sub?.settings).toMatchObject({
      topics: ['mining', 'nft'],
      time: '07:30',
      timezone: 'Europe/Berlin',
      chatKind: 'group',
      chatTitle: '#news',
    });
    expect(sub?.settings.createdBy).toEqual({ platform: 'discord', id: USERS.moderator.id, name: 'mod' });
  });

  it('lets a server admin unsubscribe; a thread is a chat of its own', async () => {
    await h.command('subscribe', 'serverAdmin', {}, { channelId: THREAD_ID });
    expect((await h.store.getSubscription(`discord:${THREAD_ID}`))?.settings).toMatchObject({
      status: 'active',
    });
    expect(await h.store.getSubscription(NEWS)).toBeUndefined();
    const answer = await h.command('unsubscribe', 'serverAdmin', {}, { channelId: THREAD_ID });
    expect(answer.content).toContain('Unsubscribed');
    expect(await h.store.getSubscription(`discord:${THREAD_ID}`)).toBeUndefined();
  });

  it('lets a user subscribe their DM with the bot', async () => {
    const answer = await h.command(
      'subscribe',
      'member',
      { topics: 'policy' },
      { channelId: DM_ID, dm: true },
    );
    expect(answer.ephemeral).toBe(false);
    expect((await h.store.getSubscription(`discord:${DM_ID}`))?.settings).toMatchObject({
      chatKind: 'private',
      topics: ['policy'],
      chatTitle: 'DM with mel',
    });
  });
});
