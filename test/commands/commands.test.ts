import { describe, expect, it } from 'vitest';
import type { ChatKind, ChatRef, UserRef } from '../../src/core/chat.js';
import type { Invocation } from '../../src/core/dispatch.js';
import { renderText } from '../../src/core/render-text.js';
import { makeNewsroom } from '../helpers/newsroom.js';

const EDITOR: UserRef = { platform: 'telegram', id: '111', name: 'Editor' };
const READER: UserRef = { platform: 'telegram', id: '222', name: 'Reader' };
const PRIVATE: ChatRef = { platform: 'telegram', id: '222' };
const GROUP: ChatRef = { platform: 'telegram', id: '-1001' };

async function setup(now = '2026-11-29T06:00:00Z') {
  const fixture = await makeNewsroom({ now, editors: { telegram: ['111'] } });
  let adminAsked = 0;
  const run = async (
    text: string,
    o: { user?: UserRef | null; chat?: ChatRef; kind?: ChatKind; admin?: boolean } = {},
  ): Promise<string> => {
    const match = /^\/(\w+)\s?([\s\S]*)$/.exec(text)!;
    const user = o.user === null ? undefined : (o.user ?? READER);
    const inv: Invocation = {
      platform: 'telegram',
      command: match[1]!,
      input: { text: match[2] ?? '' },
      chat: o.chat ?? PRIVATE,
      chatKind: o.kind ?? 'private',
      ...(user && { user }),
      isChatAdmin: async () => {
        adminAsked++;
        return o.admin ?? false;
      },
    };
    return renderText(await fixture.dispatcher.dispatch(inv));
  };
  return { ...fixture, run, adminAsked: () => adminAsked };
}

describe('reader commands', () => {
  it('/brief with and without a date, and its mistakes', async () => {
    const { run } = await setup();
    expect(await run('/brief 2022-01-11')).toMatch(/^BRIEFING — TUE 11 JAN 2022/);
    expect(await run('/brief')).toContain('Nothing yet today; this is the latest briefing.');
    expect(await run('/brief yesterday')).toContain('No briefing for Sat 28 Nov 2026');
    expect(await run('/brief 11-01-2022')).toContain('⚠️ "11-01-2022" is not a date; use YYYY-MM-DD');
    expect(await run('/brief 2022-01-11 extra')).toContain('is not a date');
  });

  it('/topic by slug or alias, with a count, and its mistakes', async () => {
    const { run } = await setup();
    expect(await run('/topic nft')).toContain('Jay Chou-backed Phantabear');
    expect(await run('/topic NFTs')).toContain('Jay Chou-backed Phantabear');
    const one = await run('/topic mining 1');
    expect(one).toContain('LATEST 1 OF 2');
    expect(one).not.toContain('China lists crypto mining');
    expect(await run('/topic')).toContain('⚠️ The topic is missing.\n\nUsage: /topic <topic> [count]');
    expect(await run('/topic weather')).toContain(
      '"weather" is not a topic; topics are mining, policy, nft.',
    );
    expect(await run('/topic nft 0')).toContain('"0" is not a number from 1 to 10.');
    expect(await run('/topic nft many')).toContain('"many" is not a number from 1 to 10.');
  });

  it('/topics lists each topic with its count and latest date', async () => {
    const { run } = await setup();
    expect(await run('/topics')).toContain(
      '⛏️ mining (also: crypto-mining, miners, bitcoin-mining) — Crackdowns',
    );
    expect(await run('/topics')).toContain('2 items, latest Tue 11 Jan 2022.');
  });

  it('/help lists reader commands to readers and editor commands to editors', async () => {
    const { run } = await setup();
    const reader = await run('/help');
    expect(reader).toContain('/brief');
    expect(reader).not.toContain('/post');
    expect(await run('/help', { user: EDITOR })).toContain('/post');
    expect(reader).toContain('This chat has no subscription.');
  });

  it('unknown commands get a pointer to /help', async () => {
    const { run } = await setup();
    expect(await run('/weather')).toContain('/weather is not a command here. /help lists them.');
  });
});

describe('/subscribe, /settings, /unsubscribe', () => {
  it('takes arguments in any order with defaults for what is omitted', async () => {
    const { run, store } = await setup();
    const reply = await run('/subscribe Europe/Berlin 7:00 NFTs mining');
    expect(reply).toContain('SUBSCRIBED');
    expect(reply).toContain('Next digest: Sun 29 Nov 2026, 07:00 (Europe/Berlin)');
    expect((await store.getSubscription('telegram:222'))?.settings).toMatchObject({
      topics: ['mining', 'nft'],
      time: '07:00',
      timezone: 'Europe/Berlin',
      startDate: '2026-11-29',
    });
    await run('/unsubscribe');
    await run('/subscribe');
    expect((await store.getSubscription('telegram:222'))?.settings).toMatchObject({
      topics: [],
      time: '08:00',
      timezone: 'Asia/Shanghai',
    });
  });

  it('a change keeps what it does not mention', async () => {
    const { run, store } = await setup();
    await run('/subscribe mining 07:00 Europe/Berlin');
    const reply = await run('/subscribe policy');
    expect(reply).toContain('SUBSCRIPTION UPDATED');
    expect((await store.getSubscription('telegram:222'))?.settings).toMatchObject({
      topics: ['policy'],
      time: '07:00',
      timezone: 'Europe/Berlin',
    });
    await run('/subscribe all');
    expect((await store.getSubscription('telegram:222'))?.settings.topics).toEqual([]);
  });

  it('a subscription made after today’s time starts tomorrow', async () => {
    const { run } = await setup('2026-11-29T10:00:00Z');
    expect(await run('/subscribe 08:00 UTC')).toContain('Next digest: Mon 30 Nov 2026, 08:00 (UTC)');
  });

  it.each([
    ['/subscribe 25:00', '"25:00" is not a time of day'],
    ['/subscribe Mars/Phobos', '"Mars/Phobos" is not a time zone'],
    ['/subscribe weather', '"weather" is not a topic'],
    ['/subscribe 07:00 08:00', 'Two times given (07:00 and 08:00)'],
    ['/subscribe UTC Asia/Shanghai', 'Two time zones given'],
    ['/subscribe all mining', '"all" already means every topic'],
  ])('%s is refused, naming the problem and the form, and changes nothing', async (text, problem) => {
    const { run, store } = await setup();
    await run('/subscribe mining 07:00 Europe/Berlin');
    const before = await store.getSubscription('telegram:222');
    const reply = await run(text);
    expect(reply).toContain(problem);
    expect(reply).toContain('Usage: /subscribe [topics…|all] [HH:MM] [timezone]');
    expect(await store.getSubscription('telegram:222')).toEqual(before);
  });

  it('in a group only its admins may subscribe, asked on every call', async () => {
    const { run, store, adminAsked } = await setup();
    expect(await run('/subscribe', { chat: GROUP, kind: 'group', admin: false })).toContain(
      "Only this chat's admins can use /subscribe here.",
    );
    expect(await store.getSubscription('telegram:-1001')).toBeUndefined();
    expect(await run('/subscribe', { chat: GROUP, kind: 'group', admin: true })).toContain('SUBSCRIBED');
    expect(await run('/unsubscribe', { chat: GROUP, kind: 'group', admin: false })).toContain(
      "Only this chat's admins",
    );
    expect(adminAsked()).toBe(3);
    expect(await run('/settings', { chat: GROUP, kind: 'group' })).toContain('Delivery: 08:00 Asia/Shanghai');
  });

  it('/settings and /unsubscribe without a subscription say how to subscribe', async () => {
    const { run } = await setup();
    expect(await run('/settings')).toContain('This chat has no subscription. /subscribe');
    expect(await run('/unsubscribe')).toContain('nothing to stop');
  });

  it('/subscribe resumes a paused subscription', async () => {
    const { run, newsroom, clock } = await setup();
    await run('/subscribe');
    await newsroom.pauseChat(PRIVATE, 'the bot was blocked', clock.now());
    expect(await run('/settings')).toContain('paused — the bot was blocked');
    expect(await run('/subscribe')).toContain('SUBSCRIPTION RESUMED');
  });
});

describe('editor commands', () => {
  const POST =
    '/post mining China lists crypto mining\nThe NDRC put it in the catalogue.\n\nSecond paragraph.\nSource: NDRC https://www.ndrc.gov.cn/';

  it('/post adds an item and shows it with its id', async () => {
    const { run, store } = await setup();
    const reply = await run(POST, { user: EDITOR });
    expect(reply).toContain('POSTED #5 IN ⛏️ CRYPTO MINING');
    expect(reply).toContain('▸ China lists crypto mining [#5]');
    expect(await store.getItem(5)).toMatchObject({
      topic: 'mining',
      body: 'The NDRC put it in the catalogue.\n\nSecond paragraph.',
      sourceName: 'NDRC',
      sourceUrl: 'https://www.ndrc.gov.cn/',
      author: EDITOR,
      publishedAt: '2026-11-29T06:00:00.000Z',
    });
  });

  it('/post reads a source line with only a name or only a URL', async () => {
    const { run, store } = await setup();
    await run('/post nft Headline\nBody\nSource: OpenSea', { user: EDITOR });
    await run('/post nft Headline\nBody\nsource: https://opensea.io/', { user: EDITOR });
    expect(await store.getItem(5)).toMatchObject({ sourceName: 'OpenSea' });
    expect((await store.getItem(5))?.sourceUrl).toBeUndefined();
    expect(await store.getItem(6)).toMatchObject({ sourceUrl: 'https://opensea.io/' });
  });

  it.each([
    ['/post', 'The item is missing.'],
    ['/post mining', 'The headline is missing'],
    ['/post mining A headline', 'The body is missing'],
    ['/post weather A headline\nBody', '"weather" is not a topic'],
    [`/post mining ${'h'.repeat(201)}\nBody`, 'The headline has 201 characters; the limit is 200.'],
    [`/post mining H\n${'b'.repeat(1501)}`, 'The body has 1501 characters; the limit is 1500.'],
    ['/post mining H\nBody\nSource: Evil javascript:alert(1)', 'must start with http:// or https://'],
  ])('%j is refused with the right form and stores nothing', async (text, problem) => {
    const { run, store } = await setup();
    const reply = await run(text, { user: EDITOR });
    expect(reply).toContain(problem);
    expect(reply).toContain('Usage: /post <topic> <headline>');
    expect(await store.getItem(5)).toBeUndefined();
  });

  it('/edit replaces fields but keeps id, author and publication time; /delete removes', async () => {
    const { run, store, clock } = await setup();
    await run(POST, { user: EDITOR });
    clock.advance(60_000);
    expect(await run('/edit 5 nft A better headline\nNew body.', { user: EDITOR })).toContain('UPDATED #5');
    expect(await store.getItem(5)).toMatchObject({
      topic: 'nft',
      headline: 'A better headline',
      body: 'New body.',
      author: EDITOR,
      publishedAt: '2026-11-29T06:00:00.000Z',
      updatedAt: '2026-11-29T06:01:00.000Z',
    });
    expect((await store.getItem(5))?.sourceUrl).toBeUndefined();
    expect(await run('/delete 5', { user: EDITOR })).toContain('Deleted #5: A better headline');
    expect(await store.getItem(5)).toBeUndefined();
  });

  it.each([
    ['/edit', 'The item id is missing.'],
    ['/edit x mining H\nB', '"x" is not an item id'],
    ['/edit 99 mining H\nB', 'There is no item #99.'],
    ['/edit 1 mining', 'The headline is missing'],
    ['/delete', 'The item id is missing.'],
    ['/delete 99', 'There is no item #99.'],
    ['/delete -1', '"-1" is not an item id'],
  ])('%j is refused and changes nothing', async (text, problem) => {
    const { run, store } = await setup();
    const before = await store.queryItems({});
    expect(await run(text, { user: EDITOR })).toContain(problem);
    expect(await store.queryItems({})).toEqual(before);
  });

  it('refuses editor commands to readers, and explains them in channels', async () => {
    const { run, store } = await setup();
    for (const cmd of ['/post mining H\nB', '/edit 1 mining H\nB', '/delete 1', '/digest', '/stats']) {
      expect(await run(cmd)).toContain("is for the newsroom's editors only.");
    }
    expect(await run('/delete 1', { user: null, chat: GROUP, kind: 'channel' })).toContain(
      'Channel posts carry no user',
    );
    expect(await store.getItem(1)).toBeDefined();
  });

  it('/digest previews without moving the cursor; /stats counts', async () => {
    const { run, store } = await setup();
    await run('/subscribe nft', { user: EDITOR, chat: { platform: 'telegram', id: '111' } });
    const preview = await run('/digest', { user: EDITOR, chat: { platform: 'telegram', id: '111' } });
    expect(preview).toContain('PREVIEW');
    expect(preview).toContain('Phantabear');
    expect(preview).not.toContain('crypto mining');
    expect((await store.getSubscription('telegram:111'))?.delivery.cursor).toBeUndefined();
    const stats = await run('/stats', { user: EDITOR });
    expect(stats).toContain('Subscriptions: 1');
    expect(stats).toContain('telegram: 1 active, 0 paused');
    expect(stats).toContain('Items: 4');
    expect(stats).toContain('No delivery run yet.');
  });
});

describe('bugs', () => {
  it('are logged and answered with an apology, not a crash', async () => {
    const { run, store } = await setup();
    store.topicStats = async () => {
      throw new Error('disk on fire');
    };
    expect(await run('/topics')).toContain('Sorry, something went wrong on our side.');
  });
});
