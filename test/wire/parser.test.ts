import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFeed } from '../../src/wire/charset.js';
import { FeedParseError, FeedParser } from '../../src/wire/parser.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const parser = new FeedParser();
afterAll(() => parser.close());

/** Decodes and parses a fixture as if served with `contentType`. */
const parseFixture = (name: string, contentType?: string) =>
  parser.parse(decodeFeed(fixture(name), contentType).text);

describe('FeedParser on real-world feeds', () => {
  it('reads RSS 1.0 (RDF): titles, links, rdf:about as GUID, dc:date', async () => {
    const doc = await parseFixture('rss-parser--rss-1.rss');
    expect(doc.format).toBe('rdf');
    expect(doc.title).toBe('Science twis');
    expect(doc.entries).toHaveLength(69);
    expect(doc.entries[0]).toMatchObject({
      title: 'Food for fungi',
      link: 'http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1',
      date: '2017-06-15T10:29:47-07:00',
    });
    expect(doc.entries[0]!.guid).toBeDefined();
  });

  it('reads Atom: the alternate link, the id as GUID, the summary', async () => {
    const doc = await parseFixture('rss-parser--heise.atom');
    expect(doc.format).toBe('atom');
    expect(doc.title).toBe('heise developer neueste Meldungen');
    expect(doc.entries).toHaveLength(15);
    expect(doc.entries[0]).toMatchObject({
      guid: 'http://heise.de/-3088438',
      title: 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei',
      link: expect.stringMatching(/^http:\/\/www\.heise\.de\/developer\/meldung\/Java-Anwendungsserver/),
    });
    expect(doc.entries[0]!.summary).toMatch(/Enterprise-Java-Servers/);
  });

  it('reads RSS 2.0 with HTML descriptions', async () => {
    const doc = await parseFixture('rss-parser--guardian.rss');
    expect(doc.format).toBe('rss');
    expect(doc.entries).toHaveLength(55);
    expect(doc.entries[0]!.summary).toMatch(/^<p>The president’s/);
  });

  it('decodes ISO-8859-1 from the XML declaration', async () => {
    const doc = await parseFixture('rss-parser--encoding.rss');
    expect(doc.title).toBe('Jornal de Notícias - Últimas Notícias');
  });

  it('decodes GB2312 named by the HTTP header, and by nothing but a guess (UTF-8) when unnamed', async () => {
    const doc = await parseFixture('feedparser--gb2312.xml', 'application/rss+xml; charset=gb2312');
    expect(doc.entries[0]!.title).toBe('不归移民漫画系列：专业工作');
    const atom = decodeFeed(
      fixture('feedparser--http_application_atom_xml_gb2312_charset.xml'),
      "application/atom+xml;charset='gb2312'",
    );
    expect(atom.encoding).toBe('gb18030');
  });

  it('decodes GBK characters outside GB2312 from the XML declaration', async () => {
    const xml =
      '<?xml version="1.0" encoding="GBK"?><rss version="2.0"><channel><title>新浪财经·区块链</title><link>http://finance.example.cn/</link><item><title>朱镕基与喆：比特币矿场关停</title><link>/a/1.html</link></item></channel></rss>';
    const doc = await parser.parse(decodeFeed(iconv.encode(xml, 'gbk'), 'text/xml').text);
    expect(doc.title).toBe('新浪财经·区块链');
    expect(doc.entries[0]!.title).toBe('朱镕基与喆：比特币矿场关停');
  });

  it('decodes Big5 from the declaration', () => {
    const xml =
      '<?xml version="1.0" encoding="big5"?><rss version="2.0"><channel><title>區塊鏈新聞</title></channel></rss>';
    expect(decodeFeed(iconv.encode(xml, 'big5')).text).toContain('區塊鏈新聞');
    expect(decodeFeed(fixture('feedparser--big5.xml')).encoding).toBe('big5');
  });

  it('lets the HTTP charset win over the declaration, and a BOM over both', () => {
    const gb = iconv.encode(
      '<?xml version="1.0" encoding="utf-8"?><rss><channel><title>中文</title></channel></rss>',
      'gb18030',
    );
    expect(decodeFeed(gb, 'text/xml; charset=GB2312').text).toContain('中文');
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('<rss><channel><title>中文</title></channel></rss>'),
    ]);
    expect(decodeFeed(bom, 'text/xml; charset=big5').encoding).toBe('utf8');
  });

  it('reads CDATA, escaped HTML, relative links and entities as written', async () => {
    const doc = await parseFixture('hand--tricky.xml');
    expect(doc.title).toBe('Tricky & Co');
    expect(doc.entries.map((e) => [e.title, e.link, e.guid])).toEqual([
      ['<b>Bold</b> CDATA & title', '/cn/2024/01/a.html', 'g-1'],
      ['<i>Escaped</i> HTML — title', '2024/01/b.html', 'g-1'],
      ['No guid no link', undefined, undefined],
      ['Nbsp\u00a0entity', 'http://x/&y', undefined],
    ]);
  });
});

describe('FeedParser on malformed and hostile input', () => {
  it('refuses what is not a feed', async () => {
    await expect(parseFixture('rss-parser--unrecognized.rss')).rejects.toThrow(FeedParseError);
    await expect(parser.parse('<html><body>Not a feed</body></html>')).rejects.toThrow(
      'not an RSS, Atom or JSON feed',
    );
  });

  it.each([
    'feedparser--rss_incomplete_cdata.xml',
    'feedparser--rss_item_link_corrupted_ampersands.xml',
    'feedparser--doctype_contains_entity_decl.xml',
    'rss-parser--incomplete-fields.atom',
  ])('refuses the ill-formed or empty %s cleanly', async (name) => {
    const outcome = await parseFixture(name).then(
      (doc) => doc.entries.length,
      (e: unknown) => e,
    );
    expect(outcome === 0 || outcome instanceof FeedParseError).toBe(true);
  });

  it('does not expand a billion-laughs entity: the text stays a literal reference', async () => {
    const before = process.memoryUsage().rss;
    const doc = await parseFixture('hostile--billion-laughs.xml');
    expect(doc.entries[0]!.title).toBe('&lol9;');
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('does not read an external entity', async () => {
    const text = fixture('hostile--external-entity.xml').toString();
    const doc = await parser.parse(text).catch((e: unknown) => e);
    // Either refused or left unexpanded; never the file's content.
    expect(JSON.stringify(doc)).not.toContain('root:');
  });

  it('does not expand one large entity referenced many times (quadratic blowup)', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${'A'.repeat(20_000)}">]><rss version="2.0"><channel><title>Q</title><item><title>t</title><description>${'&a;'.repeat(50_000)}</description></item></channel></rss>`;
    const doc = await parser.parse(xml);
    expect(doc.entries[0]!.summary!.length).toBeLessThan(200_000);
  });

  it('reads only the first 500 of 10,000 entries, in bounded time', async () => {
    const items = Array.from(
      { length: 10_000 },
      (_, i) => `<item><title>Entry ${i}</title><guid>id-${i}</guid></item>`,
    ).join('');
    const started = performance.now();
    const doc = await parser.parse(`<rss version="2.0"><channel><title>Big</title>${items}</channel></rss>`);
    expect(doc.entries).toHaveLength(500);
    expect(doc.entries[0]!.guid).toBe('id-0');
    expect(performance.now() - started).toBeLessThan(8_000);
  });

  it('gives up on a parse that overruns its deadline, and parses the next feed in a fresh worker', async () => {
    const slow = new FeedParser({ timeoutMs: 1 });
    const items = Array.from({ length: 20_000 }, (_, i) => `<item><title>E ${i}</title></item>`).join('');
    await expect(
      slow.parse(`<rss version="2.0"><channel><title>S</title>${items}</channel></rss>`),
    ).rejects.toThrow('took longer than 0 s to parse');
    await slow.close();
    const doc = await parser.parse('<rss version="2.0"><channel><title>After</title></channel></rss>');
    expect(doc.title).toBe('After');
  });
});
