import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseCount,
  parseDate,
  parseItemId,
  parseTime,
  parseTimezone,
  parseTopic,
  parseTopicList,
} from '../../src/core/parse.js';
import type { TopicCatalog } from '../../src/core/topics.js';
import { loadTopics } from '../../src/store/seed.js';

let topics: TopicCatalog;
beforeAll(async () => {
  topics = await loadTopics();
});

const value = <T>(r: { ok: true; value: T } | { ok: false; error: string }) =>
  r.ok ? r.value : `ERR ${r.error}`;

describe('parseTime', () => {
  it.each([
    ['7:00', '07:00'],
    ['07:00', '07:00'],
    ['23:59', '23:59'],
    ['0:05', '00:05'],
    ['19.30', '19:30'],
    [' 08:30 ', '08:30'],
  ])('reads %j as %s', (text, expected) => expect(value(parseTime(text))).toBe(expected));

  it.each(['24:00', '7', '7:60', '7am', '', 'noon', '12:345', '-1:00'])(
    'refuses %j with the right form',
    (text) => {
      const r = parseTime(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/HH:MM/);
    },
  );
});

describe('parseTimezone', () => {
  it.each([
    ['Asia/Shanghai', 'Asia/Shanghai'],
    ['europe/berlin', 'Europe/Berlin'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['US/Eastern', 'US/Eastern'],
    ['us/eastern', 'America/New_York'],
    ['Asia/Kathmandu', 'Asia/Kathmandu'],
  ])('accepts %j as %s', (text, expected) => expect(value(parseTimezone(text))).toBe(expected));

  it.each(['Mars/Phobos', '', '+01:00', 'EST', 'CET', 'Berlin'])('refuses %j', (text) => {
    const r = parseTimezone(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/IANA/);
  });
});

describe('parseDate', () => {
  const now = new Date('2022-01-11T17:00:00Z'); // 01:00 on 12 Jan in Shanghai
  it.each([
    ['2022-01-11', '2022-01-11'],
    ['today', '2022-01-12'],
    ['TODAY', '2022-01-12'],
    ['yesterday', '2022-01-11'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %j as %s in Asia/Shanghai', (text, expected) =>
    expect(value(parseDate(text, now, 'Asia/Shanghai'))).toBe(expected),
  );

  it('counts today in the given zone', () =>
    expect(value(parseDate('today', now, 'UTC'))).toBe('2022-01-11'));

  it.each(['2022-13-01', '2022-02-30', '2023-02-29', '11/01/2022', 'tomorrow', '2022-1-11', ''])(
    'refuses %j',
    (text) => {
      const r = parseDate(text, now, 'UTC');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/YYYY-MM-DD/);
    },
  );
});

describe('parseCount and parseItemId', () => {
  it.each([
    ['1', 1],
    ['10', 10],
    [' 5 ', 5],
  ])('reads count %j', (text, n) => expect(value(parseCount(text, 1, 10))).toBe(n));
  it.each(['0', '11', '-1', '2.5', 'five', '', '1e1'])('refuses count %j', (text) => {
    expect(parseCount(text, 1, 10).ok).toBe(false);
  });
  it.each([
    ['12', 12],
    ['#12', 12],
  ])('reads id %j', (text, n) => expect(value(parseItemId(text))).toBe(n));
  it.each(['0', '-3', 'x', '1.5', '99999999999999999999'])('refuses id %j', (text) => {
    expect(parseItemId(text).ok).toBe(false);
  });
});

describe('parseTopic and parseTopicList', () => {
  it.each([
    ['nft', 'nft'],
    ['NFTs', 'nft'],
    ['blockchain-policy', 'policy'],
    ['Mining', 'mining'],
  ])('resolves %j to %s', (text, slug) => expect(value(parseTopic(text, topics))).toMatchObject({ slug }));

  it('names the topics when one is unknown', () => {
    const r = parseTopic('weather', topics);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe('"weather" is not a topic; topics are mining, policy, nft.');
  });

  it('reads lists in catalogue order without duplicates', () => {
    expect(value(parseTopicList('nft, mining NFTs', topics))).toEqual(['mining', 'nft']);
    expect(value(parseTopicList('all', topics))).toEqual([]);
    expect(value(parseTopicList('ALL', topics))).toEqual([]);
  });

  it.each(['', 'all mining', 'mining weather'])('refuses the list %j', (text) => {
    expect(parseTopicList(text, topics).ok).toBe(false);
  });
});
