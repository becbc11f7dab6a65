import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../../fakes/telegram/index.js';
import { type Bot, EDITOR_ID, startBot } from './harness.js';

const READER = { id: 222, type: 'private', first_name: 'Rita' } as const;
const EDITOR = { id: EDITOR_ID, type: 'private', first_name: 'Ed' } as const;

describe('Telegram private chats', () => {
  let bot: Bot;
  beforeEach(async () => {
    bot = await startBot();
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('registers reader commands for everyone and editor commands in each editor’s chat', () => {
    const byScope = new Map(
      bot.fake.commands.map((r) => [JSON.stringify(r.scope), r.commands.map((c) => c.command)]),
    );
    expect(byScope.get(JSON.stringify({ type: 'default' }))).toEqual(
      expect.arrayContaining(['start', 'help', 'brief', 'subscribe']),
    );
    expect(byScope.get(JSON.stringify({ type: 'default' }))).not.toContain('post');
    expect(byScope.get(JSON.stringify({ type: 'chat', chat_id: EDITOR_ID }))).toEqual(
      expect.arrayContaining(['help', 'post', 'edit', 'delete', 'digest', 'stats']),
    );
  });

  it('answers /start and /help with the commands, as a reply in HTML', async () => {
    const start = await bot.ask({ chat: READER, text: '/start' });
    expect(start.parse_mode).toBe('HTML');
    expect(start.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
    expect(start.visibleText).toContain('/brief');
    const help = await bot.ask({ chat: READER, text: '/help' });
    expect(help.visibleText).toContain('/subscribe');
    expect(help.visibleText).not.toContain('/post');
    expect(help.visibleText).toContain('This chat has no subscription');
  });

  it('welcomes a reader who opened a deep link (/start with a payload)', async () => {
    const start = await bot.ask({ chat: READER, text: '/start from-website' });
    expect(start.visibleText).toContain('Welcome to Briefcast');
  });

  it('answers /brief, /topic and /topics from the newsroom', async () => {
    const brief = await bot.ask({ chat: READER, text: '/brief 2022-01-11' });
    expect(brief.visibleText).toMatch(/^Briefing — Tue 11 Jan 2022/);
    expect(brief.entities.some((e) => e.type === 'bold')).toBe(true);
    expect(brief.link_preview_options).toEqual({ is_disabled: true });
    const topic = await bot.ask({ chat: READER, text: '/topic mining 2' });
    expect(topic.visibleText).toContain('latest 2 of');
    const topics = await bot.ask({ chat: READER, text: '/topics' });
    expect(topics.visibleText).toContain('mining');
    expect(topics.visibleText).toContain('nft');
  });

  it('subscribes, shows the settings and unsubscribes', async () => {
    const sub = await bot.ask({ chat: READER, text: '/subscribe mining 07:30 UTC' });
    expect(sub.visibleText).toContain('Subscribed');
    const saved = (await bot.store.getSubscription('telegram:222'))?.settings;
    expect(saved).toMatchObject({ chatKind: 'private', time: '07:30', timezone: 'UTC', topics: ['mining'] });
    expect(saved?.createdBy).toEqual({ platform: 'telegram', id: '222', name: 'Rita' });
    const settings = await bot.ask({ chat: READER, text: '/settings' });
    expect(settings.visibleText).toContain('07:30 UTC');
    const unsub = await bot.ask({ chat: READER, text: '/unsubscribe' });
    expect(unsub.visibleText).toContain('Unsubscribed');
    expect(await bot.store.getSubscription('telegram:222')).toBeUndefined();
  });

  it('lets an editor post, edit, delete, preview a digest and see stats', async () => {
    const post = await bot.ask({
      chat: EDITOR,
      text: '/post policy Beijing drafts rules\nA first body.\nSource: Xinhua https://www.news.cn/',
    });
    const id = /Posted #(\d+)/.exec(post.visibleText)?.[1];
    expect(id).toBeDefined();
    expect(post.entities).toContainEqual(
      expect.objectContaining({ type: 'text_link', url: 'https://www.news.cn/' }),
    );
    const edit = await bot.ask({
      chat: EDITOR,
      text: `/edit ${id} policy Beijing adopts rules\nA second body.`,
    });
    expect(edit.visibleText).toContain(`Updated #${id}`);
    expect((await bot.store.getItem(Number(id)))?.headline).toBe('Beijing adopts rules');
    const digest = await bot.ask({ chat: EDITOR, text: '/digest' });
    expect(digest.visibleText).toContain('Preview');
    const stats = await bot.ask({ chat: EDITOR, text: '/stats' });
    expect(stats.visibleText).toContain('Briefcast stats');
    const del = await bot.ask({ chat: EDITOR, text: `/delete ${id}` });
    expect(del.visibleText).toContain(`Deleted #${id}`);
  });

  it('refuses editor commands to readers', async () => {
    const reply = await bot.ask({ chat: READER, text: '/post mining Headline\nBody' });
    expect(reply.visibleText).toContain("for the newsroom's editors only");
    expect((await bot.store.queryItems({})).items.every((i) => i.headline !== 'Headline')).toBe(true);
  });

  it('shows an editor’s <script> and & escaped, exactly as typed', async () => {
    const post = await bot.ask({
      chat: EDITOR,
      text: '/post mining <script>alert(1)</script> & <b>co</b>\nTom & Jerry <i>mine</i> 1 < 2 > 0 &amp;\nSource: A&B https://example.org/?a=1&b=2',
    });
    // The fake accepted it: Telegram's HTML rules hold.
    expect(parseTelegramHtml(post.text).ok).toBe(true);
    expect(post.visibleText).toContain('<script>alert(1)</script> & <b>co</b>');
    expect(post.visibleText).toContain('Tom & Jerry <i>mine</i> 1 < 2 > 0 &amp;');
    expect(post.entities).toContainEqual(
      expect.objectContaining({ type: 'text_link', url: 'https://example.org/?a=1&b=2' }),
    );
    expect(
      post.entities.filter(
        (e) => e.type === 'italic' && post.visibleText.slice(e.offset, e.offset + e.length) === 'mine',
      ),
    ).toEqual([]);
  });

  it('never turns a javascript: source into a link', async () => {
    const reply = await bot.ask({
      chat: EDITOR,
      text: '/post mining Headline here\nBody here.\nSource: Evil javascript:alert(1)',
    });
    expect(reply.visibleText).toContain('javascript:alert(1)');
    expect(reply.visibleText).toContain('must start with http:// or https://');
    expect(reply.entities.filter((e) => e.type === 'text_link')).toEqual([]);
    const parsed = parseTelegramHtml(reply.text);
    expect(parsed.ok && parsed.links).toEqual([]);
  });

  it('names an unknown command in a private chat', async () => {
    const reply = await bot.ask({ chat: READER, text: '/frobnicate' });
    expect(reply.visibleText).toContain('/frobnicate is not a command here');
  });

  it('explains a malformed command with its right form', async () => {
    const reply = await bot.ask({ chat: READER, text: '/topic crypto-kitties' });
    expect(reply.visibleText).toContain('Usage: /topic');
  });
});
