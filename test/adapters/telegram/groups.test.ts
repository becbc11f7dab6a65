import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bot, EDITOR_ID, RecordingGate, startBot } from './harness.js';

const GROUP = { id: -100200, type: 'supergroup', title: 'Miners' } as const;
const CHANNEL = { id: -100300, type: 'channel', title: 'Chain News' } as const;
const FORUM = { id: -100400, type: 'supergroup', title: 'Forum', is_forum: true } as const;
const ADMIN = { id: 501, first_name: 'Ada' };
const MEMBER = { id: 502, first_name: 'Max' };

describe('Telegram groups, channels and forum topics', () => {
  let bot: Bot;
  let gate: RecordingGate;
  beforeEach(async () => {
    gate = new RecordingGate();
    bot = await startBot({ gate });
    bot.fake.setChatMember(GROUP.id, ADMIN.id, 'administrator');
    bot.fake.setChatMember(GROUP.id, MEMBER.id, 'member');
    bot.fake.setChatMember(FORUM.id, ADMIN.id, 'creator');
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('lets a group admin subscribe and refuses a member, asking Telegram each time', async () => {
    const refused = await bot.ask({ chat: GROUP, from: MEMBER, text: '/subscribe' });
    expect(refused.visibleText).toContain("Only this chat's admins can use /subscribe here");
    expect(await bot.store.getSubscription('telegram:-100200')).toBeUndefined();
    const accepted = await bot.ask({ chat: GROUP, from: ADMIN, text: '/subscribe nft' });
    expect(accepted.visibleText).toContain('Subscribed');
    expect((await bot.store.getSubscription('telegram:-100200'))?.settings).toMatchObject({
      chatKind: 'group',
      chatTitle: 'Miners',
      topics: ['nft'],
    });
    expect(bot.fake.stats.byMethod.getChatMember).toBe(2);
    // Demoted: the next call asks again and is refused.
    bot.fake.setChatMember(GROUP.id, ADMIN.id, 'member');
    const demoted = await bot.ask({ chat: GROUP, from: ADMIN, text: '/unsubscribe' });
    expect(demoted.visibleText).toContain('Only this chat');
    expect(bot.fake.stats.byMethod.getChatMember).toBe(3);
  });

  it('treats a member as no admin when Telegram cannot be asked', async () => {
    bot.fake.failChat(GROUP.id, 'server_error', { methods: ['getChatMember'] });
    const reply = await bot.ask({ chat: GROUP, from: ADMIN, text: '/subscribe' });
    expect(reply.visibleText).toContain('Only this chat');
    expect(bot.records.some((r) => String(r.msg).includes('chat admin'))).toBe(true);
  });

  it('lets anyone in a group read, without asking who is admin', async () => {
    const reply = await bot.ask({ chat: GROUP, from: MEMBER, text: '/brief 2022-01-11' });
    expect(reply.visibleText).toContain('Briefing');
    expect(bot.fake.stats.byMethod.getChatMember ?? 0).toBe(0);
  });

  it('answers /brief@thisbot and ignores /brief@otherbot and unknown commands in groups', async () => {
    bot.fake.sendText({ chat: GROUP, from: MEMBER, text: '/brief@otherbot' });
    bot.fake.sendText({ chat: GROUP, from: MEMBER, text: '/frobnicate' });
    const reply = await bot.ask({
      chat: GROUP,
      from: MEMBER,
      text: `/brief@${bot.adapter.username} 2022-01-11`,
    });
    expect(reply.visibleText).toContain('Briefing — Tue 11 Jan 2022');
    await bot.settle();
    expect(bot.fake.sentTo(GROUP.id)).toHaveLength(1);
  });

  it('answers an unknown command addressed to this bot by name', async () => {
    const reply = await bot.ask({ chat: GROUP, from: MEMBER, text: `/frobnicate@${bot.adapter.username}` });
    expect(reply.visibleText).toContain('/frobnicate is not a command here');
  });

  it('subscribes a channel from a channel post, and tells a channel that editor commands need a user', async () => {
    const sub = await bot.ask({ chat: CHANNEL, text: '/subscribe mining' });
    expect(sub.visibleText).toContain('Subscribed');
    expect((await bot.store.getSubscription('telegram:-100300'))?.settings).toMatchObject({
      chatKind: 'channel',
    });
    const post = await bot.ask({ chat: CHANNEL, text: '/post mining Headline\nBody' });
    expect(post.visibleText).toContain('Channel posts carry no user');
    expect(bot.fake.stats.byMethod.getChatMember ?? 0).toBe(0);
  });

  it('ignores a channel post for another bot', async () => {
    bot.fake.sendText({ chat: CHANNEL, text: '/subscribe@otherbot' });
    await bot.settle();
    expect(bot.fake.sentTo(CHANNEL.id)).toHaveLength(0);
  });

  it('lets an anonymous group admin subscribe', async () => {
    bot.fake.pushUpdate({
      message: {
        message_id: 9001,
        date: 1,
        chat: GROUP,
        from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
        sender_chat: GROUP,
        text: '/subscribe',
        entities: [{ type: 'bot_command', offset: 0, length: 10 }],
      },
    });
    const reply = await bot.fake.waitForSent((m) => m.chat_id === GROUP.id);
    expect(reply.visibleText).toContain('Subscribed');
  });

  it('subscribes a forum topic, answers in it, and delivers its digest there', async () => {
    const reply = await bot.ask({ chat: FORUM, from: ADMIN, message_thread_id: 42, text: '/subscribe' });
    expect(reply.message_thread_id).toBe(42);
    expect(reply.visibleText).toContain('Subscribed');
    const sub = (await bot.store.getSubscription('telegram:-100400#42'))?.settings;
    expect(sub?.chat).toEqual({ platform: 'telegram', id: '-100400', thread: '42' });
    expect(await bot.store.getSubscription('telegram:-100400')).toBeUndefined();

    const doc = await bot.newsroom.digestPreview(sub!.chat, bot.clock.now());
    const parts = bot.adapter.sender.render(doc);
    expect(parts.length).toBeGreaterThan(0);
    for (const part of parts) {
      expect(
        await bot.adapter.sender.send(sub!.chat, part, { kind: 'digest', chatKind: 'group' }),
      ).toMatchObject({
        kind: 'sent',
      });
    }
    const digest = bot.fake.sentTo(FORUM.id).slice(1);
    expect(digest).toHaveLength(parts.length);
    for (const message of digest) {
      expect(message.message_thread_id).toBe(42);
      expect(message.link_preview_options).toEqual({ is_disabled: true });
      expect(message.reply_parameters).toBeUndefined();
    }
  });

  it('passes every reply through the gate, with the chat and its kind', async () => {
    await bot.ask({ chat: GROUP, from: MEMBER, text: '/topics' });
    await bot.ask({ chat: { id: EDITOR_ID, type: 'private' }, text: '/help' });
    expect(gate.acquired).toEqual([
      { chat: { platform: 'telegram', id: '-100200' }, chatKind: 'group' },
      { chat: { platform: 'telegram', id: String(EDITOR_ID) }, chatKind: 'private' },
    ]);
  });
});
