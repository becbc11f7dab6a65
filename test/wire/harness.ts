import { commands } from '../../commands/index.js';
import type { Platform, UserRef } from '../../src/core/chat.js';
import { CONSOLE_USER_ID, Dispatcher } from '../../src/core/dispatch.js';
import type { Doc } from '../../src/core/document.js';
import { renderText } from '../../src/core/render-text.js';
import { silentLogger } from '../../src/log.js';
import type { FetchOptions } from '../../src/wire/fetch-feed.js';
import { MemoryWireStore } from '../../src/wire/memory-store.js';
import { FeedParser } from '../../src/wire/parser.js';
import { HttpFeedReader } from '../../src/wire/reader.js';
import { WireScheduler } from '../../src/wire/scheduler.js';
import type { WireStore } from '../../src/wire/store.js';
import { Wire } from '../../src/wire/wire.js';
import { makeNewsroom } from '../helpers/newsroom.js';

/** The console editor, who runs the commands in these tests. */
export const EDITOR: UserRef = { platform: 'console', id: CONSOLE_USER_ID, name: 'Ed' };
/** A second editor. */
export const OTHER_EDITOR: UserRef = { platform: 'console', id: 'second', name: 'Rita' };

/**
 * A newsroom with a wire on a memory store (or the one given), reading feeds over real HTTP from
 * 127.0.0.1 (private addresses allowed, as `FEED_ALLOW_PRIVATE=1`), a dispatcher serving every
 * command, and a scheduler without jitter.
 */
export async function makeWire(
  options: {
    store?: WireStore;
    now?: string;
    fetch?: Partial<FetchOptions>;
    jitterMs?: number;
    random?: () => number;
  } = {},
) {
  const room = await makeNewsroom({ now: options.now ?? '2024-01-10T12:00:00Z' });
  const parser = new FeedParser();
  const wireStore = options.store ?? new MemoryWireStore();
  const wire = new Wire({
    store: wireStore,
    newsroom: room.newsroom,
    reader: new HttpFeedReader(
      { allowPrivate: true, idleTimeoutMs: 2_000, deadlineMs: 3_000, ...options.fetch },
      parser,
    ),
  });
  const editors: Record<Platform, ReadonlySet<string>> = {
    telegram: new Set(),
    discord: new Set(),
    console: new Set([CONSOLE_USER_ID, OTHER_EDITOR.id]),
  };
  const dispatcher = new Dispatcher(commands, room.newsroom, editors, silentLogger, wire);
  const scheduler = new WireScheduler({
    wire,
    clock: room.clock,
    logger: silentLogger,
    jitterMs: options.jitterMs ?? 0,
    ...(options.random !== undefined && { random: options.random }),
  });

  /** Runs a command line as `user` in the console chat and returns the reply as text. */
  const run = async (line: string, user: UserRef = EDITOR): Promise<string> =>
    renderText(await runDoc(line, user));
  const runDoc = async (line: string, user: UserRef = EDITOR): Promise<Doc> => {
    const [, name = '', rest = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
    return dispatcher.dispatch({
      platform: 'console' as Platform,
      command: name,
      input: { text: rest },
      chat: { platform: 'console', id: user.id },
      chatKind: 'private',
      user,
      isChatAdmin: async () => true,
    });
  };
  const close = async () => {
    await scheduler.stop();
    await parser.close();
  };
  return { ...room, wire, wireStore, dispatcher, scheduler, parser, run, runDoc, close };
}
