import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRef } from '../../src/core/chat.js';
import type { Doc } from '../../src/core/document.js';
import { renderText } from '../../src/core/render-text.js';
import type { SendOutcome } from '../../src/core/sender.js';
import { ENGLISH } from '../../src/i18n/translator.js';
import { silentLogger } from '../../src/log.js';
import { MAX_CONSECUTIVE_FAILURES } from '../../src/wire/model.js';
import { type EditorChannel, WireNotifier } from '../../src/wire/notifier.js';
import { FeedServer, item, rss } from './feed-server.js';
import { EDITOR, makeWire, OTHER_EDITOR } from './harness.js';

/** An editor channel that records what it is asked to send. */
class RecordingChannel implements EditorChannel {
  readonly platform = 'telegram' as const;
  readonly sent: { chat: ChatRef; doc: Doc }[] = [];
  async chatOf(userId: string): Promise<ChatRef> {
    return { platform: 'telegram', id: userId };
  }
  async send(chat: ChatRef, doc: Doc): Promise<SendOutcome> {
    this.sent.push({ chat, doc });
    return { kind: 'sent' };
  }
}

/** A Chinese feed entry with no topic of its own: its words choose one. */
const CHINESE_ENTRY = item(1, {
  title: '四川关停比特币挖矿场',
  body: '矿工转往新疆。当地电力紧张。',
  date: 'Tue, 09 Jan 2024 10:00:00 GMT',
});

let server: FeedServer;
let harness: Awaited<ReturnType<typeof makeWire>> | undefined;
beforeAll(async () => {
  server = await new FeedServer().start();
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('the wire in Chinese', () => {
  it('answers /feed and /wire, labels the buttons and answers a press in the editor chat’s language', async () => {
    harness = await makeWire();
    const w = harness;
    const chat: ChatRef = { platform: 'console', id: EDITOR.id };
    await w.newsroom.languages.setLanguage(chat, 'zh-CN');
    const url = server.serve('/zh.xml', rss('国家发改委', [CHINESE_ENTRY]));

    const added = await w.run(`/feed add ${url}`);
    expect(added).toContain('已添加信息源 #1：国家发改委');
    expect(added).toContain('话题: 按每个条目的用词选择话题');
    expect(added).toContain('它最新的 1 个条目正在来稿中等待处理：/wire。');
    // A Chinese entry finds its topic by the Chinese aliases (比特币挖矿, 矿工).
    const [draft] = (await w.wireStore.listDrafts({ state: 'waiting', limit: 1 })).drafts;
    expect(draft?.topic).toBe('mining');

    const list = await w.runDoc('/wire');
    expect(list.title).toBe('来稿 — 1 篇稿件待处理');
    expect(list.actions?.[0]?.map((a) => [a.label, a.data])).toEqual([
      ['✅ 发布 1', 'wire publish 1'],
      ['✖️ 跳过 1', 'wire skip 1'],
    ]);
    const text = renderText(list);
    expect(text).toContain('== 稿件 1 · ⛏️ 加密货币挖矿 ==');
    expect(text).toContain('2024年1月9日 18:00');
    expect(text).toContain('用 /wire publish <编号> [话题] 发布，用 /wire skip <编号> 跳过。');
    // The entry itself stays as the feed wrote it.
    expect(text).toContain('▸ 四川关停比特币挖矿场');

    const press = (data: string) =>
      w.dispatcher.press({
        platform: 'console',
        chat,
        chatKind: 'private',
        user: EDITOR,
        isChatAdmin: async () => true,
        data,
        view: list.actions!.flat().map((a) => a.data),
      });
    const published = await press('wire publish 1');
    expect(published.notice).toMatch(/^已发布为 #\d+。$/);
    expect(renderText(published.doc!)).toMatch(/✅ 已由 Ed 发布为 #\d+。/);
    expect(published.doc?.actions?.[0]?.[0]).toMatchObject({ disabled: true });
    expect(published.doc?.actions?.[0]?.[0]?.label).toMatch(/^✅ Ed 已发布 #\d+$/);
    expect((await press('wire skip 1')).notice).toMatch(/^稿件 1：✅ 已由 Ed 发布为 #\d+。$/);
    expect((await press('wire skip 99')).notice).toBe('稿件 99 已不存在。');
    expect((await press('digest')).notice).toBe('这个按钮已不再可用。');

    expect(await w.run('/feed list')).toContain('#1 ▶️ 正常 · 国家发改委');
    expect(await w.run('/feed pause 1')).toBe('已暂停信息源 #1。/feed resume 1 可重新开始。');
    expect(await w.run('/feed list')).toContain('⏸️ 已暂停（由 Ed 暂停）');
    expect(await w.run('/feed pause 1')).toBe('信息源 #1 已经暂停（由 Ed 暂停）。');
    expect(await w.run('/feed resume 1')).toBe('已恢复信息源 #1：下次轮询时会再次读取。');

    // Mistakes, in Chinese with the usage line.
    const scheme = await w.run('/feed add ftp://example.org/feed.xml');
    expect(scheme).toContain('"ftp://example.org/feed.xml"：只能读取 http:// 和 https:// 的信息源。');
    expect(scheme).toContain('用法：/feed add <网址> [话题] [auto]');
    expect(await w.run('/feed add')).toContain('缺少信息源的网址。');
    expect(await w.run('/feed pause 7')).toContain('没有信息源 #7。');
    expect(await w.run('/wire publish')).toContain('缺少稿件编号。');
    expect(await w.run('/feed add https://example.org/x.xml mining often')).toContain(
      '这里不应出现 "often"。',
    );

    // Another editor whose chat chose no language reads the same wire in English.
    expect(await w.run('/feed list', OTHER_EDITOR)).toContain('#1 ▶️ active · 国家发改委');
  });

  it('sends each editor’s notifications and paused-feed notices in that editor chat’s language', async () => {
    harness = await makeWire();
    const w = harness;
    await w.newsroom.languages.setLanguage({ platform: 'telegram', id: '1' }, 'zh-CN');
    const channel = new RecordingChannel();
    const notifier = new WireNotifier({
      wire: w.wire,
      channels: [channel],
      editors: { telegram: ['1', '2'] },
      logger: silentLogger,
    });
    let failing = false;
    const url = server.route('/zh-dying.xml', (_req, res) => {
      if (failing) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('国家发改委', [CHINESE_ENTRY]));
    });
    const adder = { platform: 'telegram' as const, id: '1', name: '小王' };
    await w.wire.addFeed(url, undefined, false, adder, w.clock.now(), ENGLISH);
    await notifier.notify(w.clock.now());
    const [zh, en] = channel.sent;
    expect(zh?.chat.id).toBe('1');
    expect(zh?.doc.title).toBe('📰 来稿中有 1 篇新稿件');
    expect(zh?.doc.actions?.[0]?.map((a) => a.label)).toEqual(['✅ 发布 1', '✖️ 跳过 1']);
    expect(en?.doc.title).toBe('📰 1 new draft on the wire');
    expect(en?.doc.actions?.[0]?.map((a) => a.label)).toEqual(['✅ Publish 1', '✖️ Skip 1']);

    failing = true;
    for (let i = 0; i < MAX_CONSECUTIVE_FAILURES; i++) {
      w.clock.advance(10 * 60_000);
      await notifier.afterRound(await w.scheduler.tick(), w.clock.now());
    }
    // The failure itself is a diagnostic and stays as the fetcher said it.
    expect(renderText(channel.sent.at(-1)!.doc)).toBe(
      '⚠️ 信息源 #1（国家发改委）已暂停：连续失败 10 次；最近一次：HTTP 503 Service Unavailable。请修复来源，然后运行 /feed resume 1。',
    );
  });
});
