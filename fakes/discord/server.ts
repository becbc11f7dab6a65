/**
 * The fake Discord's transport: one `node:http` server on 127.0.0.1 (OS-chosen port) that serves REST under
 * `/api/v10/…` and upgrades WebSocket connections to the gateway. A request is routed, counted, checked for
 * the bot token, injected faults and rate limits, then handled; its answer is written with Discord's headers.
 * An exception inside the fake answers 500 and is kept in `internalErrors`.
 */
import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer } from 'ws';
import { listenOnLoopback } from '../shared/listen.js';
import { type Faults, failureReply } from './faults.js';
import type { Gateway } from './gateway.js';
import type { RateLimits } from './limits.js';
import { type ApiReply, apiError } from './replies.js';
import type { RequestContext, Route } from './rest/route.js';
import type { FakeDiscordStats } from './types.js';

const API_PREFIX = '/api/v10/';

/** What the transport routes REST requests through, and where it counts them. */
export interface RestLayer {
  resolve(method: string, parts: readonly string[]): Route | undefined;
  readonly faults: Faults;
  readonly limits: RateLimits;
  readonly stats: FakeDiscordStats;
  readonly unmatchedRequests: string[];
  readonly internalErrors: unknown[];
}

/** The listener; {@link listen} once, {@link close} once. */
export class DiscordServer {
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;

  constructor(
    private readonly rest: RestLayer,
    private readonly gateway: Gateway,
  ) {}

  /** Whether the listener is open. */
  get listening(): boolean {
    return this.server !== null;
  }

  /** Listens on 127.0.0.1 on a free port; resolves with `127.0.0.1:PORT`. */
  async listen(): Promise<string> {
    const server = createServer((req, res) => this.onRequest(req, res));
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket, req) => this.gateway.accept(socket, req));
    this.server = server;
    this.wss = wss;
    const port = await listenOnLoopback(server);
    return `127.0.0.1:${port}`;
  }

  /** Ends every gateway session, closes every socket and the server, so the process can exit. */
  async close(): Promise<void> {
    const server = this.server;
    const wss = this.wss;
    this.server = null;
    this.wss = null;
    this.gateway.terminateAll();
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        this.handle(req, res, chunks);
      } catch (error) {
        this.rest.internalErrors.push(error);
        this.write(res, {
          status: 500,
          body: { message: `FakeDiscord internal error: ${String(error)}`, code: 0 },
        });
      }
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, chunks: Buffer[]): void {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
    let parts: string[] | null = null;
    if (path.startsWith(API_PREFIX)) {
      try {
        parts = path.slice(API_PREFIX.length).split('/').map(decodeURIComponent);
      } catch {
        parts = null;
      }
    }
    const route = parts ? this.rest.resolve(method, parts) : undefined;
    if (!route) {
      this.rest.unmatchedRequests.push(`${method} ${path}`);
      this.count('unmatched');
      this.write(res, {
        status: 404,
        body: { message: `404: Not Found (FakeDiscord does not emulate ${method} ${path})`, code: 0 },
      });
      return;
    }
    this.count(route.key);

    let body: unknown;
    const contentType = req.headers['content-type'] ?? '';
    if (chunks.length > 0) {
      if (contentType.startsWith('multipart/')) {
        this.write(res, {
          status: 400,
          body: {
            code: 50035,
            message: 'Invalid Form Body (FakeDiscord does not emulate file uploads)',
            errors: {},
          },
        });
        return;
      }
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        this.write(res, apiError('invalid_json'));
        return;
      }
    }
    const ctx: RequestContext = {
      method,
      query,
      body,
      authorization: req.headers.authorization,
      now: Date.now(),
    };

    if (route.auth && !ctx.authorization?.startsWith('Bot ')) {
      this.write(res, { status: 401, body: { message: '401: Unauthorized', code: 0 } });
      return;
    }

    const injected = this.rest.faults.forRoute(route, ctx.now);
    if (injected) {
      this.write(res, failureReply(injected, this.rest.limits.bucketOf(route), ctx.now));
      return;
    }
    if (this.rest.limits.enabled) {
      const limited = this.rest.limits.take(route, ctx.now);
      if (limited.status === 429) {
        this.write(res, limited);
        return;
      }
      const reply = route.handle(ctx);
      reply.headers = { ...limited.headers, ...reply.headers };
      this.write(res, reply);
      return;
    }
    this.write(res, route.handle(ctx));
  }

  private count(key: string): void {
    this.rest.stats.byRoute[key] = (this.rest.stats.byRoute[key] ?? 0) + 1;
  }

  private write(res: ServerResponse, reply: ApiReply): void {
    if (reply.reset) {
      this.rest.stats.failed++;
      res.socket?.resetAndDestroy();
      return;
    }
    if (reply.status >= 200 && reply.status < 300) this.rest.stats.accepted++;
    else if (reply.status === 429) this.rest.stats.rejected429++;
    else this.rest.stats.failed++;
    if (reply.body === undefined) {
      res.writeHead(reply.status, reply.headers);
      res.end();
      return;
    }
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(text);
  }
}
