/**
 * A worker process serving the wire benchmark's feeds on 127.0.0.1: `feeds` RSS 2.0 feeds of
 * `entries` entries each (about 1 kB of HTML description per entry), each with an ETag, answering
 * `If-None-Match` with 304. Handlers: `start`, `stats`, `cpu`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from './worker.js';

let server: Server | undefined;
const stats = { full: 0, notModified: 0, bytes: 0 };

function feedXml(feed: number, entries: number): string {
  const items: string[] = [];
  for (let e = 0; e < entries; e++) {
    const date = new Date(Date.UTC(2026, 10, 30, 0, 0, 0) - (feed * entries + e) * 60_000).toUTCString();
    items.push(
      `<item><title>Feed ${feed} entry ${e}: miners &amp; regulators</title>` +
        `<link>https://news${feed % 50}.example.org/${feed}/${e}.html</link><guid>feed-${feed}-entry-${e}</guid>` +
        `<pubDate>${date}</pubDate><description><![CDATA[<p>${'Crypto mining policy news, a paragraph of it. '.repeat(20)}</p>]]></description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench feed ${feed}</title><link>https://news.example.org/${feed}</link><description>bench</description>${items.join('')}</channel></rss>`;
}

serve({
  async start(args: { feeds: number; entries: number }) {
    const bodies = Array.from({ length: args.feeds }, (_, f) => Buffer.from(feedXml(f, args.entries)));
    server = createServer((req, res) => {
      const feed = Number(/^\/feed\/(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? Number.NaN);
      const body = bodies[feed];
      if (body === undefined) return void res.writeHead(404).end();
      const etag = `"feed-${feed}-v1"`;
      if (req.headers['if-none-match'] === etag) {
        stats.notModified++;
        return void res.writeHead(304, { etag }).end();
      }
      stats.full++;
      stats.bytes += body.length;
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { origin: `http://127.0.0.1:${port}`, bytesPerFeed: bodies[0]?.length ?? 0 };
  },
  async stats() {
    return { ...stats };
  },
  async cpu() {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  },
});
