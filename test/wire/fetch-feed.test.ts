import type { LookupAddress } from 'node:dns';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedAddress } from '../../src/wire/address.js';
import { type FetchOptions, fetchFeed } from '../../src/wire/fetch-feed.js';
import { FeedServer, item, rss } from './feed-server.js';

const open: FetchOptions = { allowPrivate: true, idleTimeoutMs: 2_000, deadlineMs: 3_000 };
const guarded: FetchOptions = { allowPrivate: false, idleTimeoutMs: 2_000, deadlineMs: 3_000 };

/** A resolver that answers every name with these addresses. */
function resolveTo(...addresses: string[]): NonNullable<FetchOptions['lookup']> {
  return ((_host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    )) as unknown as NonNullable<FetchOptions['lookup']>;
}

let server: FeedServer;
beforeAll(async () => {
  server = await new FeedServer().start();
});
afterAll(async () => {
  await server.stop();
});

describe('refusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.8', 'a private network'],
    ['172.20.1.1', 'a private network'],
    ['192.168.1.1', 'a private network'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.100.100.200', 'shared address space (carrier-grade NAT)'],
    ['0.0.0.0', '"this network"'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata)'],
    ['fd12:3456::1', 'a private network (unique local)'],
    ['fe80::1%eth0', 'link-local'],
    ['64:ff9b::10.0.0.1', 'a private network'],
    ['224.0.0.1', 'multicast'],
    ['localhost', 'not an IP address'],
  ])('refuses %s (%s)', (address, why) => {
    expect(refusedAddress(address)).toBe(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'])(
    'allows %s',
    (address) => {
      expect(refusedAddress(address)).toBeUndefined();
    },
  );
});

describe('fetchFeed', () => {
  it('fetches a feed and returns its body and validators', async () => {
    const url = server.serve('/ok', rss('OK', [item(1)]), {
      headers: { etag: '"v1"', 'last-modified': 'Tue, 09 Jan 2024 10:00:00 GMT' },
    });
    const result = await fetchFeed(url, {}, open);
    expect(result).toMatchObject({
      kind: 'ok',
      etag: '"v1"',
      lastModified: 'Tue, 09 Jan 2024 10:00:00 GMT',
      url,
    });
    expect(result.kind === 'ok' && result.body.toString()).toContain('Entry 1');
  });

  it('sends If-None-Match and If-Modified-Since, and a 304 is notModified', async () => {
    const url = server.route('/conditional', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
      else res.writeHead(200, { etag: '"v1"' }).end(rss('C', []));
    });
    const result = await fetchFeed(
      url,
      { etag: '"v1"', lastModified: 'Tue, 09 Jan 2024 10:00:00 GMT' },
      open,
    );
    expect(result).toEqual({ kind: 'notModified', url });
    const sent = server.requestsFor('/conditional').at(-1)!.headers;
    expect(sent['if-none-match']).toBe('"v1"');
    expect(sent['if-modified-since']).toBe('Tue, 09 Jan 2024 10:00:00 GMT');
    expect(sent['user-agent']).toMatch(/^Briefcast/);
  });

  it('reports an HTTP error with its status', async () => {
    const url = server.serve('/broken', 'oops', { status: 500, type: 'text/plain' });
    expect(await fetchFeed(url, {}, open)).toEqual({
      kind: 'failed',
      reason: 'HTTP 500 Internal Server Error',
      status: 500,
    });
  });

  it('follows up to 5 redirects, relative ones included', async () => {
    server.serve('/final', rss('Final', [item(1)]));
    for (let i = 1; i <= 5; i++)
      server.route(`/hop${i}`, (_req, res) =>
        res.writeHead(302, { location: i === 5 ? '/final' : `hop${i + 1}` }).end(),
      );
    const result = await fetchFeed(server.url('/hop1'), {}, open);
    expect(result).toMatchObject({ kind: 'ok', url: server.url('/final') });
  });

  it('gives up on a redirect loop after 5 redirects', async () => {
    const url = server.route('/loop', (_req, res) => res.writeHead(301, { location: '/loop' }).end());
    const before = server.requestsFor('/loop').length;
    expect(await fetchFeed(url, {}, open)).toMatchObject({ kind: 'failed', reason: 'more than 5 redirects' });
    expect(server.requestsFor('/loop').length - before).toBe(6);
  });

  it('refuses a redirect to another scheme', async () => {
    const url = server.route('/to-file', (_req, res) =>
      res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    );
    expect(await fetchFeed(url, {}, open)).toMatchObject({
      kind: 'failed',
      reason: 'only http:// and https:// feeds can be read',
    });
  });

  it('cuts off a body larger than the cap while it streams, without a Content-Length', async () => {
    let written = 0;
    const url = server.route('/huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        // Stops by itself after 64 MB, should the client not hang up.
        while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written < 64 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    const result = await fetchFeed(url, {}, { ...open, maxBytes: 1024 * 1024 });
    expect(result).toEqual({ kind: 'failed', reason: 'the feed is larger than 1 MB' });
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const url = server.serve('/declared', Buffer.alloc(2 * 1024 * 1024, 'a'));
    expect(await fetchFeed(url, {}, { ...open, maxBytes: 1024 * 1024 })).toEqual({
      kind: 'failed',
      reason: 'the feed is larger than 1 MB',
    });
  });

  it('decompresses gzip and caps the decompressed size (a gzip bomb)', async () => {
    const small = server.serve('/gz', gzipSync(rss('Zipped', [item(1)])), {
      headers: { 'content-encoding': 'gzip' },
    });
    const zipped = await fetchFeed(small, {}, open);
    expect(zipped.kind === 'ok' && zipped.body.toString()).toContain('Zipped');
    const bomb = server.serve('/gz-bomb', gzipSync(Buffer.alloc(20 * 1024 * 1024, 'a')), {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(await fetchFeed(bomb, {}, { ...open, maxBytes: 1024 * 1024 })).toEqual({
      kind: 'failed',
      reason: 'the feed is larger than 1 MB',
    });
  });

  it('ends a slow trickle at the total deadline', async () => {
    const url = server.route('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const timer = setInterval(() => res.write('<'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const result = await fetchFeed(url, {}, { ...open, idleTimeoutMs: 1_000, deadlineMs: 600 });
    expect(result).toEqual({ kind: 'failed', reason: 'no complete answer within 1 s' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('ends a server that never answers at the idle timeout', async () => {
    const url = server.route('/silent', () => {});
    const result = await fetchFeed(url, {}, { ...open, idleTimeoutMs: 300, deadlineMs: 5_000 });
    expect(result).toEqual({ kind: 'failed', reason: 'no answer for 0 s' });
  });

  it('refuses loopback, private and link-local addresses unless allowed', async () => {
    const url = server.serve('/private', rss('P', []));
    expect(await fetchFeed(url, {}, guarded)).toEqual({
      kind: 'failed',
      reason: '127.0.0.1 is loopback; feeds must be on the public internet',
    });
    const metadata = await fetchFeed('http://169.254.169.254/latest/meta-data/', {}, guarded);
    expect(metadata).toMatchObject({
      kind: 'failed',
      reason: '169.254.169.254 is link-local (cloud metadata); feeds must be on the public internet',
    });
    const v6 = await fetchFeed('http://[::ffff:127.0.0.1]:1/', {}, guarded);
    expect(v6).toMatchObject({
      kind: 'failed',
      reason: '::ffff:7f00:1 is loopback; feeds must be on the public internet',
    });
  });

  it('refuses a name that resolves to a private address', async () => {
    const port = new URL(server.url('/')).port;
    const result = await fetchFeed(
      `http://feeds.example.test:${port}/private`,
      {},
      { ...guarded, lookup: resolveTo('127.0.0.1') },
    );
    expect(result).toEqual({
      kind: 'failed',
      reason: 'feeds.example.test resolves to loopback; feeds must be on the public internet',
    });
    expect(server.requestsFor('/private').length).toBe(0);
  });

  it('checks every redirect hop: a feed redirecting to a private address is refused before connecting', async () => {
    // Only this test server's address passes the policy; the hops it redirects to must not.
    const onlyTheServer = (address: string) =>
      address === '127.0.0.1' ? undefined : refusedAddress(address);
    const toMetadata = server.route('/to-metadata', (_req, res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    );
    expect(await fetchFeed(toMetadata, {}, { ...guarded, refuse: onlyTheServer })).toEqual({
      kind: 'failed',
      reason: '169.254.169.254 is link-local (cloud metadata); feeds must be on the public internet',
    });
    const port = new URL(server.url('/')).port;
    const toIntranet = server.route('/to-intranet', (_req, res) =>
      res.writeHead(307, { location: `http://wiki.intranet.test:${port}/` }).end(),
    );
    expect(
      await fetchFeed(toIntranet, {}, { ...guarded, refuse: onlyTheServer, lookup: resolveTo('10.1.2.3') }),
    ).toEqual({
      kind: 'failed',
      reason: 'wiki.intranet.test resolves to a private network; feeds must be on the public internet',
    });
  });

  it('checks the address actually connected to, not only the answer the resolver gave', async () => {
    // The policy allows the address when the name is resolved and refuses it once connected, as
    // when a name is re-pointed between a check and the connection.
    let asked = 0;
    const rebinding = (address: string) => (++asked === 1 ? undefined : `${address} (now refused)`);
    const port = new URL(server.url('/')).port;
    const before = server.requestsFor('/private').length;
    const result = await fetchFeed(
      `http://rebound.example.test:${port}/private`,
      {},
      {
        ...guarded,
        refuse: rebinding,
        lookup: resolveTo('127.0.0.1'),
      },
    );
    expect(result).toEqual({
      kind: 'failed',
      reason: 'connected to 127.0.0.1 (now refused); feeds must be on the public internet',
    });
    expect(asked).toBe(2);
    expect(server.requestsFor('/private').length).toBe(before);
  });

  it('refuses other schemes and URLs with credentials', async () => {
    expect(await fetchFeed('ftp://example.org/feed', {}, open)).toMatchObject({
      reason: 'only http:// and https:// feeds can be read',
    });
    expect(await fetchFeed('http://user:pw@example.org/feed', {}, open)).toMatchObject({
      reason: 'feed URLs with a user name or password are not supported',
    });
  });

  it('reports a refused connection', async () => {
    expect(await fetchFeed('http://127.0.0.1:1/feed', {}, open)).toEqual({
      kind: 'failed',
      reason: 'connection refused (ECONNREFUSED)',
    });
  });
});
