import type { SendRate } from '../../core/store.js';
import type { Translator } from '../../i18n/translator.js';
import { html, type SafeHtml } from './html.js';

/** The chart's drawing area, in SVG units (it scales to the page's width). */
const WIDTH = 640;
const HEIGHT = 200;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 44 } as const;

/** A "nice" top for the y axis: 1, 2 or 5 times a power of ten, at least `max`. */
function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Digests sent per second over a run as an SVG bar chart, drawn on the server: one bar per bucket,
 * the y axis in messages per second, the x axis in seconds since the run started. Colours come from
 * attributes and the stylesheet (the CSP allows no inline style). Its words and numbers are in
 * `tr`'s language.
 */
export function sendRateChart(rate: SendRate, label: string, tr: Translator): SafeHtml {
  const { bucketSeconds, counts } = rate;
  const perSecond = counts.map((c) => c / bucketSeconds);
  const peak = Math.max(0, ...perSecond);
  const top = niceCeiling(peak);
  const seconds = counts.length * bucketSeconds;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const barW = plotW / Math.max(1, counts.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const peakAt = perSecond.indexOf(peak) * bucketSeconds;
  const description =
    total === 0
      ? tr.t('desk.chart.nothing')
      : tr.t('desk.chart.description', {
          total,
          seconds,
          peak: round1(peak),
          at: peakAt,
          average: round1(total / Math.max(1, seconds)),
        });
  const y = (v: number) => MARGIN.top + plotH - (v / top) * plotH;
  const ticks = [0, top / 2, top];
  const xTicks = [0, Math.round(seconds / 2), seconds];
  return html`<figure class="chart">
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="none">
      <title id="chart-title">${label}</title>
      <desc id="chart-desc">${description}</desc>
      ${ticks.map(
        (
          t,
        ) => html`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}"></line>
        <text class="axis" x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end">${tr.number(round1(t))}</text>`,
      )}
      ${perSecond.map((v, i) =>
        v > 0
          ? html`<rect class="bar" x="${MARGIN.left + i * barW}" y="${y(v)}" width="${Math.max(0.5, barW - (barW > 3 ? 1 : 0))}" height="${MARGIN.top + plotH - y(v)}"></rect>`
          : '',
      )}
      ${xTicks.map(
        (t, i) =>
          html`<text class="axis" x="${MARGIN.left + (seconds === 0 ? 0 : (t / seconds) * plotW)}" y="${HEIGHT - 8}" text-anchor="${i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}">${tr.t('desk.chart.seconds', { value: t })}</text>`,
      )}
    </svg>
    <figcaption>${tr.t('desk.chart.caption', { label, description })}${bucketSeconds > 1 ? ` ${tr.t('desk.chart.bucket', { seconds: bucketSeconds })}` : ''}</figcaption>
  </figure>`;
}
