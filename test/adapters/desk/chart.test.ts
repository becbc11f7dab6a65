import { describe, expect, it } from 'vitest';
import { sendRateChart } from '../../../src/adapters/desk/chart.js';
import { SEND_RATE_BUCKETS, SendRateCounter } from '../../../src/delivery/run-record.js';
import { ENGLISH, translatorFor } from '../../../src/i18n/translator.js';

describe('the send-rate chart', () => {
  it('draws one bar per second with a description a screen reader reads, and no inline style', () => {
    const svg = sendRateChart({ bucketSeconds: 1, counts: [30, 30, 12, 0, 5] }, 'Run <1>', ENGLISH).value;
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(4);
    expect(svg).toContain('<title id="chart-title">Run &lt;1&gt;</title>');
    expect(svg).toContain('77 sent over 5 s; peak 30 per second at 0 s');
    expect(svg).not.toMatch(/style=/);
  });

  it('speaks the page’s language: its description, its axes, its numbers', () => {
    const svg = sendRateChart(
      { bucketSeconds: 2, counts: [3000, 0, 10] },
      '推送',
      translatorFor('zh-CN'),
    ).value;
    expect(svg).toContain('6 秒内发送 3,010 条；峰值每秒 1,500 条（第 0 秒）；平均每秒 501.7 条。');
    expect(svg).toContain('>6 秒</text>');
    expect(svg).toContain('>2,000</text>');
    expect(svg).toContain('每根柱代表 2 秒。');
    expect(svg).not.toMatch(/sent|per second| s</);
  });

  it('says so when nothing was sent', () => {
    expect(sendRateChart({ bucketSeconds: 1, counts: [] }, 'Run', ENGLISH).value).toContain(
      'Nothing was sent in this run.',
    );
  });
});

describe('SendRateCounter', () => {
  it('counts events per second', () => {
    const counter = new SendRateCounter();
    for (const s of [0.1, 0.5, 1.2, 3.9]) counter.add(s);
    expect(counter.rate()).toEqual({ bucketSeconds: 1, counts: [2, 1, 0, 1] });
  });

  it('stays bounded on a long run by widening its buckets, keeping every event', () => {
    const counter = new SendRateCounter();
    for (let s = 0; s < 3 * SEND_RATE_BUCKETS; s++) counter.add(s);
    const rate = counter.rate();
    expect(rate.counts.length).toBeLessThanOrEqual(SEND_RATE_BUCKETS);
    expect(rate.bucketSeconds).toBe(4);
    expect(rate.counts.reduce((a, b) => a + b, 0)).toBe(3 * SEND_RATE_BUCKETS);
  });
});
