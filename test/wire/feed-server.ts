import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

/** A route's answer: a handler that writes the response itself. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A local HTTP server for feed tests, on 127.0.0.1 and a free port: routes are set by path, every
 * request is recorded, and open connections are closed on stop (a trickling route never holds a
 * test up).
 */
export class FeedServer {
  readonly requests: ReceivedRequest[] = [];
  readonly #routes = new Map<string, RouteHandler>();
  readonly #server: Server;
  readonly #sockets = new Set<import('node:net').Socket>();
  #origin = '';

  constructor() {
    this.#server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      this.requests.push({ path, headers: req.headers });
      const route = this.#routes.get(path);
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      route(req, res);
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** `http://127.0.0.1:PORT` + path. */
  url(path: string): string {
    return `${this.#origin}${path}`;
  }

  /** Serves a handler at `path`. */
  route(path: string, handler: RouteHandler): string {
    this.#routes.set(path, handler);
    return this.url(path);
  }

  /** Serves `body` at `path` with a content type (default RSS) and extra headers. */
  serve(
    path: string,
    body: string | Buffer,
    options: { type?: string; headers?: Record<string, string>; status?: number } = {},
  ): string {
    return this.route(path, (_req, res) => {
      res.writeHead(options.status ?? 200, {
        'content-type': options.type ?? 'application/rss+xml; charset=utf-8',
        ...options.headers,
      });
      res.end(body);
    });
  }

  /** Requests received for `path`. */
  requestsFor(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** An RSS 2.0 document with these items (each a fragment of `<item>` children). */
export function rss(title: string, items: readonly string[], link = 'https://news.example.org/'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${title}</title><link>${link}</link><description>test</description>
${items.map((i) => `<item>${i}</item>`).join('\n')}
</channel></rss>`;
}

/** An RSS item fragment. */
export function item(
  n: number,
  extra: { date?: string; guid?: string | null; title?: string; body?: string } = {},
): string {
  const guid = extra.guid === null ? '' : `<guid>${extra.guid ?? `id-${n}`}</guid>`;
  return `<title>${extra.title ?? `Entry ${n}`}</title><link>https://news.example.org/a/${n}</link>${guid}<description>${extra.body ?? `Body of entry ${n}. It has two sentences.`}</description><pubDate>${extra.date ?? 'Tue, 09 Jan 2024 10:00:00 GMT'}</pubDate>`;
}
