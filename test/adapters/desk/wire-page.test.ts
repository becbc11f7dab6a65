import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/adapters/desk/html.js';
import { BLANK_FEED_FORM, removeFeedPage, wirePage } from '../../../src/adapters/desk/pages/wire.js';
import type { DeskSession } from '../../../src/core/desk.js';
import { flatten } from '../../../src/i18n/catalog.js';
import en from '../../../src/i18n/locales/en.js';
import { type Translator, translatorFor } from '../../../src/i18n/translator.js';
import type { Draft, Feed } from '../../../src/wire/model.js';
import { WireViews } from '../../../src/wire/wire-views.js';
import { makeNewsroom } from '../../helpers/newsroom.js';
import { EDITOR } from './harness.js';

const SESSION: DeskSession = {
  hash: 'h',
  user: EDITOR,
  createdAt: '2022-01-11T00:00:00Z',
  expiresAt: '2022-01-11T12:00:00Z',
};
const FEEDS: Feed[] = [
  {
    id: 1,
    url: 'https://news.example.org/feed.xml',
    title: 'Example News',
    topic: 'mining',
    auto: true,
    status: 'active',
    addedBy: EDITOR,
    addedAt: '2022-01-10T00:00:00Z',
    lastSuccessAt: '2022-01-11T01:00:00Z',
    lastError: 'HTTP 503',
    lastErrorAt: '2022-01-10T23:00:00Z',
    failures: 2,
    entriesSeen: 40,
  },
  {
    id: 2,
    url: 'https://other.example.org/rss',
    auto: false,
    status: 'paused',
    pausedBy: EDITOR,
    addedBy: EDITOR,
    addedAt: '2022-01-10T00:00:00Z',
    failures: 0,
    entriesSeen: 0,
  },
];
const draft = (id: number, extra: Partial<Draft> = {}): Draft => ({
  id,
  feedId: 1,
  key: `k${id}`,
  headline: `Headline ${id}`,
  body: `Body ${id}.`,
  createdAt: '2022-01-11T01:00:00Z',
  state: 'waiting',
  ...extra,
});

async function render(tr: Translator) {
  const room = await makeNewsroom();
  return wirePage({
    session: SESSION,
    tr,
    topics: room.topics,
    timezone: 'Asia/Shanghai',
    views: new WireViews(room.topics, 'Asia/Shanghai'),
    feeds: FEEDS,
    form: { url: 'bad', topic: 'policy', auto: true },
    formProblems: { url: 'URL problem', topic: 'Topic problem' },
    drafts: [draft(3, { topic: 'nft', entryDate: '2022-01-10T08:00:00Z', sourceName: 'Src' }), draft(2)],
    waiting: 12,
    before: 4,
    nextBefore: 2,
    draftProblems: { id: 2, text: 'Draft problem' },
    decided: [
      draft(1, { state: 'published', decidedBy: EDITOR, decidedAt: '2022-01-11T02:00:00Z', itemId: 7 }),
      draft(0, { state: 'skipped', decidedBy: EDITOR, decidedAt: '2022-01-11T01:30:00Z' }),
    ],
    notice: { text: 'Notice', tone: 'ok' },
  }).value;
}

describe('the Wire page’s words', () => {
  it('come from the catalog: in Chinese, none of the English desk.wire texts is left', async () => {
    const english = [...flatten(en.messages)].filter(([key]) => key.startsWith('desk.wire.'));
    expect(english.length).toBeGreaterThan(50);
    const zh = translatorFor('zh-CN');
    // The navigation is the layout's (its words are the desk's, not the Wire page's).
    const page = (await render(zh)).split('<main id="main">')[1]!;
    const fixed = english.map(([, text]) => text).filter((text) => !text.includes('{{'));
    // A sentence nowhere; a single word (Feed, URL) not as an element's whole text ("JSON Feed" is a name).
    for (const text of fixed)
      expect(page, text).not.toContain(text.includes(' ') ? escapeHtml(text) : `>${escapeHtml(text)}<`);
    expect(page).toContain('来稿');
    expect(page).toContain('按别名匹配');
    expect(page).toContain('发布');
    expect(page).toContain('删除');
    const remove = removeFeedPage(SESSION, zh, FEEDS[0]!).value;
    expect(remove).toContain('删除信息源 #1？');
  });

  it('in English, shows every part of the page', async () => {
    const page = await render(translatorFor('en'));
    for (const text of [
      'Example News',
      '(not read yet)',
      'auto-published',
      'wait for an editor',
      'HTTP 503',
      '2 failed in a row',
      'paused by Ed &lt;Editor&gt;',
      'URL problem',
      'Topic problem',
      '12 drafts wait. Showing drafts 3 to 2, newest first.',
      'Not published: Draft problem',
      'href="/wire?before=2#drafts"',
      'href="/wire#drafts"',
      'href="/items/7"',
      'Times are in Asia/Shanghai.',
    ])
      expect(page, text).toContain(text);
    expect(BLANK_FEED_FORM).toEqual({ url: '', topic: '', auto: false });
  });
});
