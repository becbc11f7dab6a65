import { freePort } from '../../../fakes/shared/listen.js';
import { DeskAuth } from '../../../src/adapters/desk/auth.js';
import type { FailureLimiterOptions } from '../../../src/adapters/desk/rate-limit.js';
import { type DeskServer, startDeskServer } from '../../../src/adapters/desk/server.js';
import type { UserRef } from '../../../src/core/chat.js';
import { FeedParser } from '../../../src/wire/parser.js';
import { HttpFeedReader } from '../../../src/wire/reader.js';
import { makeNewsroom, type NewsroomFixtureOptions } from '../../helpers/newsroom.js';
import { recordingLogger } from '../telegram/harness.js';

export { freePort };

/** The editor signed in by these tests. */
export const EDITOR: UserRef = { platform: 'telegram', id: '111', name: 'Ed <Editor>' };

/** Options of {@link startDesk}. */
export interface DeskOptions extends NewsroomFixtureOptions {
  /** The public address; default `http://127.0.0.1:<port>`. */
  readonly publicUrl?: string;
  readonly limiter?: FailureLimiterOptions;
  /** `FEED_ALLOW_PRIVATE` for the wire's reader; default on, so feeds on 127.0.0.1 can be read. */
  readonly allowPrivate?: boolean;
}

/**
 * A desk on a newsroom (memory store, sample briefing, test clock) and its wire (memory store, a
 * real HTTP feed reader; the dispatcher's, so chat and the desk decide drafts together), served
 * on 127.0.0.1 over real HTTP.
 */
export async function startDesk(options: DeskOptions = {}) {
  const parser = new FeedParser();
  // `/desk` in the room's chats mints links with this desk's auth, made once the store exists.
  let links: DeskAuth | undefined;
  const room = await makeNewsroom({
    editors: { telegram: [EDITOR.id] },
    now: '2022-01-11T06:00:00Z',
    desk: { signInLink: (user, now, language) => links!.signInLink(user, now, language) },
    reader: new HttpFeedReader(
      { allowPrivate: options.allowPrivate ?? true, idleTimeoutMs: 2_000, deadlineMs: 3_000 },
      parser,
    ),
    ...options,
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const publicUrl = options.publicUrl ?? base;
  const sessions = room.store;
  const { logger, records } = recordingLogger();
  const auth = new DeskAuth({
    sessions,
    publicUrl,
    isEditor: (user) => room.dispatcher.isEditor(user),
  });
  links = auth;
  const server: DeskServer = await startDeskServer({
    newsroom: room.newsroom,
    auth,
    logger,
    publicUrl,
    port,
    host: '127.0.0.1',
    wire: room.wire,
    ...(options.limiter && { limiter: options.limiter }),
  });
  const origin = new URL(publicUrl).origin;

  /** A request to the desk; POSTs carry the desk's Origin unless told otherwise. */
  const request = (
    path: string,
    init: {
      cookie?: string;
      form?: Record<string, string>;
      origin?: string | null;
      method?: string;
      /** Other request headers (`accept-language`). */
      headers?: Record<string, string>;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.cookie) headers.cookie = init.cookie;
    const method = init.method ?? (init.form ? 'POST' : 'GET');
    if (method !== 'GET' && init.origin !== null) headers.origin = init.origin ?? origin;
    return fetch(`${base}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(init.form && { body: new URLSearchParams(init.form) }),
    });
  };

  /** The token of a fresh `/desk` link for `user`, from a chat in `language` when given. */
  const mintToken = async (user: UserRef = EDITOR, language?: string) => {
    const link = await auth.signInLink(user, room.clock.now(), language);
    return { url: link.url, token: link.url.split('/').pop()! };
  };

  /** Signs in through a fresh link (from a chat in `language`) and returns the session cookie (`name=value`). */
  const signIn = async (user: UserRef = EDITOR, language?: string): Promise<string> => {
    const { token } = await mintToken(user, language);
    const response = await request('/sign-in', { form: { token } });
    const cookie = response.headers.get('set-cookie');
    if (response.status !== 303 || !cookie) throw new Error(`sign-in failed: ${response.status}`);
    return cookie.split(';')[0]!;
  };

  const stop = async () => {
    await server.close();
    await parser.close();
  };
  return {
    ...room,
    port,
    base,
    publicUrl,
    sessions,
    auth,
    wireStore: room.wire.store,
    server,
    logger,
    records,
    request,
    mintToken,
    signIn,
    stop,
  };
}

/** What {@link startDesk} returns. */
export type Desk = Awaited<ReturnType<typeof startDesk>>;
