/**
 * `npm run migrate-store -- --from data/db.json [--to postgres://…] [--force]`: copies a lowdb store
 * (its folder and the wire's file beside it) into another store — PostgreSQL (`--to`, else
 * `DATABASE_URL`) or another lowdb folder (`--to` a path) — keeping every id and meaning. The
 * source is opened the normal way, so a folder a running Briefcast holds is refused, and read a page
 * at a time. Desk sign-in links and sessions are not copied: editors sign in again with `/desk`.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Item } from '../core/items.js';
import type { Store } from '../core/store.js';
import { createLogger, type Logger } from '../log.js';
import { StoreError } from './json-file.js';
import { LowdbStore } from './lowdb.js';
import { KEPT_RUNS } from './memory.js';
import { PostgresStore } from './postgres/store.js';
import { PostgresWireStore } from './postgres/wire-store.js';
import type { StoreExport } from './store-export.js';

/** Records read and written at a time. */
export const DEFAULT_PAGE_SIZE = 500;

/** A move that was refused before anything was written: a bad argument, a source or target not fit for it. */
export class MigrateStoreError extends Error {
  override readonly name = 'MigrateStoreError';
}

/** What {@link migrateStore} copied. */
export interface MigrateCounts {
  readonly items: number;
  readonly subscriptions: number;
  readonly chatPrefs: number;
  readonly runs: number;
  /** Whether the desk's signing key was copied (`false`: the source had none, or the target kept its own). */
  readonly deskSigningKey: boolean;
  readonly feeds: number;
  readonly seenKeys: number;
  readonly drafts: number;
  readonly editorCursors: number;
  /** Left behind on purpose: editors sign in again with `/desk`. */
  readonly droppedSignInLinks: number;
  readonly droppedDeskSessions: number;
}

/** Options for {@link migrateStore}. */
export interface MigrateOptions {
  readonly logger: Logger;
  /** Write into a target that already holds data (records with the same ids or keys are replaced). */
  readonly force?: boolean;
  /** @defaultValue {@link DEFAULT_PAGE_SIZE} */
  readonly pageSize?: number;
}

/**
 * What the target already holds, by name (empty: nothing). Asks what the port answers cheaply; chat
 * preferences without a subscription are not asked about (the port has no question for them).
 */
export async function contentsOf(store: Store): Promise<string[]> {
  const found: string[] = [];
  if ((await store.queryItems({ limit: 1 })).total > 0) found.push('items');
  if ((await store.subscriptionPage({ limit: 1 })).total > 0) found.push('subscriptions');
  if ((await store.recentRuns(1)).length > 0) found.push('delivery runs');
  if ((await store.wire.listFeeds()).length > 0) found.push('wire feeds');
  let drafts = 0;
  for (const state of ['waiting', 'published', 'skipped'] as const)
    drafts += (await store.wire.listDrafts({ state, limit: 1 })).total;
  if (drafts > 0) found.push('wire drafts');
  return found;
}

/**
 * Every item of `from`, a page at a time, oldest page last: the port answers "newest first, at or
 * before an instant", so each page asks up to the oldest instant of the one before and leaves out
 * the ids already read at that instant. When more than a page of items share one instant, the page
 * grows until it holds them all (bounded by their number).
 */
async function* itemPages(from: Store, pageSize: number): AsyncIterable<readonly Item[]> {
  let upTo: string | undefined;
  let readAtUpTo = new Set<number>();
  let limit = pageSize;
  for (;;) {
    const page = await from.queryItems({ ...(upTo !== undefined && { upTo }), limit });
    const fresh = page.items.filter((i) => !(i.publishedAt === upTo && readAtUpTo.has(i.id)));
    const complete = page.items.length < limit;
    if (fresh.length > 0) yield fresh;
    if (complete) return;
    const oldest = (page.items.at(-1) as Item).publishedAt;
    if (fresh.length === 0) {
      limit *= 2;
      continue;
    }
    if (oldest !== upTo) readAtUpTo = new Set();
    for (const item of page.items) if (item.publishedAt === oldest) readAtUpTo.add(item.id);
    upTo = oldest;
    limit = pageSize;
  }
}

/**
 * Copies everything in `from` into `to`, ids and keys kept: items, subscriptions with their delivery
 * records (claims are never copied), chat preferences, delivery runs, the desk's signing key, and the
 * wire (feeds with their status, seen keys, drafts with their decisions, editors' cursors). Reads a
 * page at a time. Flushes `to`; closes neither.
 * @throws MigrateStoreError when `to` holds data and `force` is not set (nothing is then written)
 */
export async function migrateStore(
  from: Store & StoreExport,
  to: Store,
  options: MigrateOptions,
): Promise<MigrateCounts> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const log = options.logger;
  const there = await contentsOf(to);
  if (there.length > 0 && !options.force)
    throw new MigrateStoreError(
      `The target already holds ${there.join(', ')}; nothing was written. Pass --force to copy over it (records with the same ids or keys are replaced).`,
    );

  let items = 0;
  for await (const page of itemPages(from, pageSize)) {
    await to.importItems(page);
    items += page.length;
  }
  log.info({ items }, 'items copied');

  let subscriptions = 0;
  for (let after: string | undefined; ; ) {
    const { records } = await from.subscriptionPage({
      ...(after !== undefined && { after }),
      limit: pageSize,
    });
    if (records.length === 0) break;
    await to.importSubscriptions(records);
    subscriptions += records.length;
    after = records.at(-1)?.settings.key;
  }
  log.info({ subscriptions }, 'subscriptions copied');

  let chatPrefs = 0;
  for await (const page of from.chatPrefsPages(pageSize)) {
    for (const [key, prefs] of page) await to.saveChatPrefs(key, prefs);
    chatPrefs += page.length;
  }

  // Oldest first, so the target's "newest last" is the source's.
  const runs = await from.recentRuns(KEPT_RUNS);
  for (const run of runs) await to.addRun(run);

  const desk = await from.deskExport();
  let deskSigningKey = false;
  if (desk.signingKey !== undefined) {
    deskSigningKey = (await to.deskSigningKey(desk.signingKey)) === desk.signingKey;
    if (!deskSigningKey) log.warn('the target has a desk signing key of its own; it was kept');
  }

  const wire = { feeds: 0, seenKeys: 0, drafts: 0, editorCursors: 0 };
  for await (const batch of from.wire.exportWire(pageSize)) {
    await to.wire.importWire(batch);
    if (batch.kind === 'feeds') wire.feeds += batch.feeds.length;
    else if (batch.kind === 'seen') wire.seenKeys += batch.keys.length;
    else if (batch.kind === 'drafts') wire.drafts += batch.drafts.length;
    else if (batch.kind === 'cursors') wire.editorCursors += batch.cursors.length;
  }
  await to.flush();
  return {
    items,
    subscriptions,
    chatPrefs,
    runs: runs.length,
    deskSigningKey,
    ...wire,
    droppedSignInLinks: desk.signInTokens,
    droppedDeskSessions: desk.sessions,
  };
}

/** The counts as the command prints them, one line each. */
export function describeCounts(counts: MigrateCounts): string[] {
  return [
    `items: ${counts.items}`,
    `subscriptions (with their delivery records): ${counts.subscriptions}`,
    `chat preferences: ${counts.chatPrefs}`,
    `delivery runs: ${counts.runs}`,
    `desk signing key: ${counts.deskSigningKey ? 'copied' : 'not copied (none in the source, or the target kept its own)'}`,
    `wire feeds: ${counts.feeds}`,
    `wire seen entry keys: ${counts.seenKeys}`,
    `wire drafts (with their decisions): ${counts.drafts}`,
    `wire editor cursors: ${counts.editorCursors}`,
    `not copied: ${counts.droppedSignInLinks} desk sign-in links and ${counts.droppedDeskSessions} desk sessions (editors sign in again with /desk)`,
  ];
}

/** Where the copy goes, as `--to` (or `DATABASE_URL`) names it. */
export type Target =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'lowdb'; readonly file: string };

/** The command's arguments, checked. */
export interface MigrateArgs {
  readonly from: string;
  readonly to: Target;
  readonly force: boolean;
}

const USAGE = 'npm run migrate-store -- --from data/db.json [--to postgres://… | other/db.json] [--force]';

/**
 * Reads the command line; `env.DATABASE_URL` is the target when `--to` is not given.
 * @throws MigrateStoreError naming the mistake and the right form
 */
export function parseMigrateArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): MigrateArgs {
  let values: { from?: string | undefined; to?: string | undefined; force?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { from: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new MigrateStoreError(`${(e as Error).message}. Usage: ${USAGE}`);
  }
  if (!values.from)
    throw new MigrateStoreError(`--from is missing: the lowdb store to copy. Usage: ${USAGE}`);
  const to = values.to ?? env.DATABASE_URL;
  if (!to)
    throw new MigrateStoreError(
      `--to is missing and DATABASE_URL is not set: name the PostgreSQL database to copy into. Usage: ${USAGE}`,
    );
  return {
    from: values.from,
    to: /^postgres(ql)?:\/\//.test(to) ? { kind: 'postgres', url: to } : { kind: 'lowdb', file: to },
    force: values.force ?? false,
  };
}

/** A PostgreSQL URL with its password (if any) left out, to name the database in a message. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the PostgreSQL URL given (it is not a valid URL)';
  }
}

/**
 * Opens the source: an existing lowdb store, opened the normal way (its lock refuses a folder a live
 * process holds).
 * @throws MigrateStoreError when there is no store there, it is not Briefcast's or it is in use
 */
async function openSource(file: string, logger: Logger): Promise<LowdbStore> {
  if (!existsSync(file) || !statSync(file).isFile())
    throw new MigrateStoreError(`There is no Briefcast store at ${file}: --from names its db.json.`);
  try {
    return await LowdbStore.open(file, { logger });
  } catch (e) {
    if (e instanceof StoreError) throw new MigrateStoreError(e.message);
    throw e;
  }
}

/**
 * Opens the target store.
 * @throws MigrateStoreError when it cannot be opened (an unreachable database, an unreadable folder)
 */
async function openTarget(target: Target, logger: Logger): Promise<Store> {
  if (target.kind === 'lowdb') {
    try {
      mkdirSync(path.dirname(target.file), { recursive: true });
      return await LowdbStore.open(target.file, { logger });
    } catch (e) {
      if (e instanceof StoreError) throw new MigrateStoreError(e.message);
      throw e;
    }
  }
  return openPostgresTarget(target.url, logger);
}

/** How long to wait for the target database to answer before calling it unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens the PostgreSQL target (the wire's tables with the rest), after checking it answers.
 * @throws MigrateStoreError naming the host (never the password) when it cannot be reached
 */
async function openPostgresTarget(url: string, logger: Logger): Promise<Store> {
  let client: pg.Client | undefined;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('error', () => {});
    await client.connect();
  } catch (e) {
    throw new MigrateStoreError(
      `Cannot reach the PostgreSQL database at ${safeUrl(url)} (${(e as Error).message}); nothing was written.`,
    );
  } finally {
    await client?.end().catch(() => {});
  }
  try {
    // Opening applies the schema (an empty database gets its tables), as a start of the bot would.
    return await PostgresStore.open(url, { logger, wire: (pool) => new PostgresWireStore(pool, { logger }) });
  } catch (e) {
    if (e instanceof StoreError) throw new MigrateStoreError(e.message);
    throw e;
  }
}

/** Runs the command: the exit code (0 done, 1 failed while copying, 2 refused with nothing written). */
export async function runMigrateStore(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  logger: Logger,
): Promise<number> {
  let source: LowdbStore | undefined;
  let target: Store | undefined;
  try {
    const args = parseMigrateArgs(argv, env);
    source = await openSource(args.from, logger);
    target = await openTarget(args.to, logger);
    const counts = await migrateStore(source, target, { logger, force: args.force });
    const where = args.to.kind === 'postgres' ? safeUrl(args.to.url) : args.to.file;
    out.stdout.write(`Copied ${args.from} into ${where}:\n`);
    for (const line of describeCounts(counts)) out.stdout.write(`  ${line}\n`);
    return 0;
  } catch (e) {
    if (e instanceof MigrateStoreError) {
      out.stderr.write(`migrate-store: ${e.message}\n`);
      return 2;
    }
    out.stderr.write(`migrate-store: copying failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await target?.close().catch(() => {});
    await source?.close().catch(() => {});
  }
}

// Run only as the script itself, so tests can import the function.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  runMigrateStore(
    process.argv.slice(2),
    process.env,
    { stdout: process.stdout, stderr: process.stderr },
    createLogger('warn'),
  ).then((code) => {
    process.exitCode = code;
  });
}
