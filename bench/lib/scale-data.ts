/**
 * The data set of the scale benchmark (`bench/scale.ts`): 100,000 subscriptions and 50,000 items
 * with bodies of about 1.5 kB (UTF-8) mixing Chinese and English, generated deterministically from
 * a seed so every run measures the same bytes.
 */
import type { ChatKind, ChatRef } from '../../src/core/chat.js';
import { chatKey } from '../../src/core/chat.js';
import type { Item } from '../../src/core/items.js';
import type { DeliveryRun } from '../../src/core/store.js';
import type { SubscriptionRecord } from '../../src/core/subscription.js';
import { localDate, shiftDate } from '../../src/core/time.js';

/** How much data: the figures of issue 6, part 4. */
export const SCALE_SUBSCRIPTIONS = 100_000;
export const SCALE_ITEMS = 50_000;
/** Items are spread evenly over this many months before {@link SCALE_NOW} (about 68 a day). */
export const SCALE_MONTHS = 24;
/** The seed every generator starts from. */
export const SCALE_SEED = 20_260_316;
/** The newsroom's time zone in the benchmark (`BRIEFING_TIMEZONE`). */
export const SCALE_TIMEZONE = 'Asia/Shanghai';
/**
 * The benchmark's "now": 2026-03-15 22:00 UTC — 06:00 on the 16th in Shanghai, 07:00 in Tokyo,
 * 22:00 in London, 23:00 in Berlin. Every subscription's time is before 06:00 and its last digest was
 * the day before, so every one of them is due at this instant, whatever its zone.
 */
export const SCALE_NOW = new Date('2026-03-15T22:00:00.000Z');
/** Target size of an item body in UTF-8 bytes. */
const BODY_BYTES = 1500;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The time zones subscriptions use, the newsroom's most often (weights). */
const ZONES: readonly (readonly [string, number])[] = [
  ['Asia/Shanghai', 60],
  ['Asia/Hong_Kong', 10],
  ['Asia/Singapore', 8],
  ['Asia/Tokyo', 7],
  ['UTC', 8],
  ['Europe/London', 4],
  ['Europe/Berlin', 3],
];
const TOPIC_CHOICES: readonly (readonly string[])[] = [
  [],
  [],
  ['mining'],
  ['policy'],
  ['nft'],
  ['mining', 'policy'],
  ['policy', 'nft'],
];
const TOPICS = ['mining', 'policy', 'nft'] as const;

const ZH = [
  '比特币',
  '挖矿',
  '区块链',
  '监管部门',
  '数字藏品',
  '国家发展改革委',
  '能源消耗',
  '产业结构调整',
  '虚拟货币',
  '交易平台',
  '中国人民银行',
  '数字人民币',
  '智能合约',
  '算力',
  '矿场',
  '电力供应',
  '金融风险',
  '地方政府',
  '试点项目',
  '链上数据',
];
const EN = [
  'the',
  'regulator',
  'miners',
  'said',
  'on',
  'Monday',
  'blockchain',
  'policy',
  'platform',
  'collectibles',
  'hash rate',
  'province',
  'energy',
  'crackdown',
  'pilot',
  'digital yuan',
  'according to',
  'officials',
  'market',
  'report',
];

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same data on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function weighted(random: () => number, list: readonly (readonly [string, number])[]): string {
  const total = list.reduce((n, [, w]) => n + w, 0);
  let r = random() * total;
  for (const [value, weight] of list) {
    r -= weight;
    if (r < 0) return value;
  }
  return list[0]![0];
}

/** One sentence: Chinese phrases and English words, about half each. */
function sentence(random: () => number): string {
  const words: string[] = [];
  const length = 6 + Math.floor(random() * 10);
  for (let i = 0; i < length; i++) words.push(random() < 0.5 ? pick(random, ZH) : pick(random, EN));
  return `${words.join(' ')}${random() < 0.5 ? '。' : '.'}`;
}

/** A body of about {@link BODY_BYTES} UTF-8 bytes in two or three paragraphs. */
function body(random: () => number): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  // Each sentence adds at least a few dozen bytes, so this ends after a bounded number of turns.
  while (bytes < BODY_BYTES - 120) {
    const s = sentence(random);
    current.push(s);
    bytes += Buffer.byteLength(s) + 1;
    if (current.length >= 4 + Math.floor(random() * 3)) {
      paragraphs.push(current.join(' '));
      current = [];
      bytes += 1;
    }
  }
  if (current.length > 0) paragraphs.push(current.join(' '));
  return paragraphs.join('\n\n');
}

const AUTHOR = { platform: 'telegram', id: '1000001', name: 'Desk editor 编辑部' } as const;

/**
 * The items, oldest first, ids 1…{@link SCALE_ITEMS}, evenly spread over the {@link SCALE_MONTHS}
 * months before {@link SCALE_NOW} (the newest a few minutes before it).
 */
export function* scaleItems(count = SCALE_ITEMS, seed = SCALE_SEED): Generator<Item> {
  const random = prng(seed);
  const end = SCALE_NOW.getTime() - 5 * 60 * 1000;
  const span = SCALE_MONTHS * 30 * DAY_MS;
  const step = span / count;
  for (let id = 1; id <= count; id++) {
    const at = new Date(Math.round(end - span + id * step)).toISOString();
    const topic = pick(random, TOPICS);
    const headline = `${pick(random, ZH)}${pick(random, ZH)}: ${pick(random, EN)} ${pick(random, EN)} ${pick(random, EN)} #${id}`;
    yield {
      id,
      topic,
      headline,
      body: body(random),
      ...(random() < 0.8 && {
        sourceName: pick(random, ['Caixin 财新', 'Xinhua 新华社', 'The Block', 'CoinDesk', 'NDRC']),
        sourceUrl: `https://news.example.com/${topic}/${id}`,
      }),
      author: AUTHOR,
      publishedAt: at,
      updatedAt: at,
    };
  }
}

/**
 * The subscriptions: all on Telegram (the fan-out is measured through the Telegram gate), private
 * chats and groups, varied topics, zones and times, each last delivered the local day before
 * {@link SCALE_NOW} — so every one is due at it.
 */
export function* scaleSubscriptions(
  count = SCALE_SUBSCRIPTIONS,
  seed = SCALE_SEED + 1,
): Generator<SubscriptionRecord> {
  const random = prng(seed);
  // Formatting a zoned date is slow; there are only a few zones.
  const yesterdays = new Map(ZONES.map(([zone]) => [zone, shiftDate(localDate(SCALE_NOW, zone), -1)]));
  for (let n = 0; n < count; n++) {
    const group = random() < 0.3;
    const chat: ChatRef = {
      platform: 'telegram',
      id: group ? String(-1_001_000_000_000 - n) : String(100_000_000 + n),
    };
    const chatKind: ChatKind = group ? 'group' : 'private';
    const timezone = weighted(random, ZONES);
    const hh = Math.floor(random() * 6);
    const mm = Math.floor(random() * 12) * 5;
    const time = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
    const created = new Date(SCALE_NOW.getTime() - (30 + Math.floor(random() * 600)) * DAY_MS);
    // Yesterday's run for this delivery time: the cursor chats of one time and zone share.
    const lastRun = new Date(SCALE_NOW.getTime() - DAY_MS - (6 * 60 - hh * 60 - mm) * 60 * 1000);
    const sent = Math.floor(random() * 500);
    yield {
      settings: {
        key: chatKey(chat),
        chat,
        chatKind,
        ...(group && { chatTitle: `区块链 news group ${n}` }),
        topics: pick(random, TOPIC_CHOICES),
        time,
        timezone,
        status: 'active',
        createdBy: { platform: 'telegram', id: String(200_000_000 + n), name: `Reader ${n}` },
        createdAt: created.toISOString(),
        updatedAt: created.toISOString(),
        startDate: created.toISOString().slice(0, 10),
      },
      delivery: {
        cursor: lastRun.toISOString(),
        lastDigestDate: yesterdays.get(timezone)!,
        sent,
        failed: Math.floor(random() * 3),
        lastSentAt: lastRun.toISOString(),
      },
    };
  }
}

/** The last runs, as `/stats` would list them. */
export function scaleRuns(count = 50): DeliveryRun[] {
  return Array.from({ length: count }, (_, n) => {
    const startedAt = new Date(SCALE_NOW.getTime() - (count - n) * DAY_MS);
    return {
      id: `run-${n}`,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(startedAt.getTime() + 100_000).toISOString(),
      due: SCALE_SUBSCRIPTIONS,
      sent: SCALE_SUBSCRIPTIONS - 10,
      empty: 0,
      failed: 10,
      paused: 0,
      byPlatform: { telegram: { sent: SCALE_SUBSCRIPTIONS - 10, failed: 10, paused: 0 } },
    };
  });
}
