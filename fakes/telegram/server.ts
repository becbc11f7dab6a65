/**
 * The HTTP transport of the fake Telegram Bot API: a listener on 127.0.0.1 (OS-chosen port) that routes
 * `POST /bot<token>/<method>` (any HTTP method; parameters from the query string and a JSON or urlencoded
 * body) to the fake, and writes its replies. Connections are kept alive and nothing is logged, so it can be
 * driven at thousands of calls per second.
 */
import type { Buffer } from 'node:buffer';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { listenOnLoopback } from '../shared/listen.js';
import { type Params, parseParams } from './params.js';
import { BAD_JSON, METHOD_NOT_FOUND, NOT_FOUND, type Reply, UNAUTHORIZED, writeReply } from './replies.js';

/** Longer than Node's client-side idle timeout (5 s), so the server never closes a socket a client reuses. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const BOT_PATH_PREFIX = '/bot';

/** What the transport routes to. */
export interface BotApiRoutes {
  /** The bot token in the path; any other answers 401. */
  readonly token: string;
  /** Whether `methodKey` (lowercased) is a method the fake answers; any other answers 404. */
  knows(methodKey: string): boolean;
  /** Answers a call; undefined when the answer is held and will be written to `res` later (a long poll). */
  call(methodKey: string, params: Params, res: ServerResponse): Reply | undefined;
}

/** The listener; {@link listen} once, {@link close} once. */
export class BotApiServer {
  private server: Server | undefined;

  constructor(private readonly routes: BotApiRoutes) {}

  /** Whether the listener is open. */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens on 127.0.0.1 on an OS-chosen port; resolves with its `http://127.0.0.1:PORT` root. */
  async listen(): Promise<string> {
    const server = createServer({ noDelay: true }, (req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    const port = await listenOnLoopback(server);
    this.server = server;
    return `http://127.0.0.1:${port}`;
  }

  /** Closes every connection and the listener. */
  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.server = undefined;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const methodAt = path.indexOf('/', 1);
    if (!path.startsWith(BOT_PATH_PREFIX) || methodAt === -1) {
      respond(req, res, NOT_FOUND);
      return;
    }
    if (path.slice(BOT_PATH_PREFIX.length, methodAt) !== this.routes.token) {
      respond(req, res, UNAUTHORIZED);
      return;
    }
    const methodKey = path.slice(methodAt + 1).toLowerCase();
    if (!this.routes.knows(methodKey)) {
      respond(req, res, METHOD_NOT_FOUND);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = parseParams(
        req.headers['content-type'],
        chunks,
        queryAt === -1 ? '' : url.slice(queryAt + 1),
      );
      if (params === undefined) {
        respond(req, res, BAD_JSON);
        return;
      }
      const reply = this.routes.call(methodKey, params, res);
      if (reply !== undefined) respond(req, res, reply);
    });
  }
}

/** Writes `reply`, or drops the connection for `'destroy'`. */
function respond(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (reply === 'destroy') {
    req.socket.destroy();
    return;
  }
  writeReply(res, reply);
}
