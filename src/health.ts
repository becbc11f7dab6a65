import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryRun } from './core/store.js';
import type { DeliveryStatus } from './delivery/engine.js';
import type { Logger } from './log.js';

/** The one path served. */
export const HEALTH_PATH = '/healthz';

/** What the health endpoint reports on. */
export interface HealthSources {
  /** The running adapters. */
  readonly adapters: readonly { readonly name: string; isConnected(): boolean }[];
  /** The delivery engine. */
  readonly delivery: { status(): DeliveryStatus; lastRun(): Promise<DeliveryRun | undefined> };
  /** This process's place among several on one database. @defaultValue the only process: leads, no shards */
  readonly cluster?: {
    isLeader(): boolean;
    /** The Discord gateway shards this process runs, `null` without Discord. */
    shards(): readonly number[] | null;
  };
}

/** The body of `GET /healthz`. */
export interface HealthReport {
  /** `ok` when every adapter is connected, else `degraded` (served with 503); a standby is `ok` too. */
  readonly status: 'ok' | 'degraded';
  /** `leader`: this process delivers and polls; `standby`: it serves commands and waits to lead. */
  readonly role: 'leader' | 'standby';
  readonly leader: boolean;
  /** The Discord gateway shards this process runs, `null` without Discord. */
  readonly shards: readonly number[] | null;
  readonly adapters: Readonly<Record<string, boolean>>;
  /** The instant of the last delivery tick (ISO), `null` before the first. */
  readonly lastTick: string | null;
  /** The run under way, with its figures so far. */
  readonly running: Readonly<Record<string, number | string>> | null;
  /** The last finished delivery run. */
  readonly lastRun: {
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly seconds: number;
    readonly due: number;
    readonly sent: number;
    readonly empty: number;
    readonly failed: number;
    readonly paused: number;
  } | null;
}

/** Builds the report (also what `/healthz` serves). */
export async function healthReport(sources: HealthSources): Promise<HealthReport> {
  const adapters = Object.fromEntries(sources.adapters.map((a) => [a.name, a.isConnected()]));
  const status = sources.delivery.status();
  const run = await sources.delivery.lastRun();
  const leader = sources.cluster?.isLeader() ?? true;
  return {
    status: Object.values(adapters).every(Boolean) ? 'ok' : 'degraded',
    role: leader ? 'leader' : 'standby',
    leader,
    shards: sources.cluster?.shards() ?? null,
    adapters,
    lastTick: status.lastTick ?? null,
    running: status.running ?? null,
    lastRun: run
      ? {
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          seconds: (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000,
          due: run.due,
          sent: run.sent,
          empty: run.empty,
          failed: run.failed,
          paused: run.paused,
        }
      : null,
  };
}

/** A running health server. */
export interface HealthServer {
  /** The port it listens on (useful when started on port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Options for {@link startHealthServer}. */
export interface HealthServerOptions extends HealthSources {
  /** `HEALTH_PORT`; 0 picks a free port. */
  readonly port: number;
  /** @defaultValue all interfaces, so a container's health check can reach it */
  readonly host?: string;
  readonly logger: Logger;
}

/**
 * Serves `GET /healthz` (and `HEAD`): 200 with a {@link HealthReport} when every adapter is
 * connected, 503 with the same body when one is not; 404 for anything else.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://health').pathname;
    if (path !== HEALTH_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const report = await healthReport(options);
    const body = JSON.stringify(report);
    res
      .writeHead(report.status === 'ok' ? 200 : 503, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
      })
      .end(req.method === 'HEAD' ? undefined : body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      options.logger.error({ err: e }, 'health check failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ port, path: HEALTH_PATH }, 'health endpoint listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
