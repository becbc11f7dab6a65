import { Writable } from 'node:stream';
import { pino } from 'pino';
import { FakeTelegram, type FakeTelegramOptions, type SentMessage } from '../../../fakes/telegram/index.js';
import { createTelegramAdapter, type TelegramAdapter } from '../../../src/adapters/telegram/telegram.js';
import type { Config } from '../../../src/config.js';
import type { ChatKind, ChatRef } from '../../../src/core/chat.js';
import type { Dispatcher } from '../../../src/core/dispatch.js';
import type { Newsroom } from '../../../src/core/newsroom.js';
import type { SendGate } from '../../../src/core/sender.js';
import type { RetryPolicy } from '../../../src/delivery/outcomes.js';
import type { Logger } from '../../../src/log.js';
import { makeNewsroom, type NewsroomFixtureOptions } from '../../helpers/newsroom.js';

/** The editor in these tests. */
export const EDITOR_ID = 111;

/** A logger whose records a test can read. */
export function recordingLogger(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

/** A gate that lets everything through and remembers what it was asked. */
export class RecordingGate implements SendGate {
  readonly acquired: { chat: ChatRef; chatKind: ChatKind | undefined }[] = [];
  readonly backOffs: number[] = [];
  async acquire(chat: ChatRef, chatKind?: ChatKind): Promise<void> {
    this.acquired.push({ chat, chatKind });
  }
  backOff(seconds: number): void {
    this.backOffs.push(seconds);
  }
}

/** Options of {@link startBot}. */
export interface BotOptions extends NewsroomFixtureOptions {
  readonly fake?: FakeTelegramOptions;
  readonly gate?: SendGate;
  /** How replies are retried (the adapter's default otherwise). */
  readonly retry?: RetryPolicy;
  /** Replace the dispatcher (to make it fail). */
  readonly dispatcher?: (newsroom: Newsroom) => Dispatcher;
  readonly config?: Partial<NonNullable<Config['telegram']>>;
  readonly webhookHost?: string;
  /** Do not start the adapter. */
  readonly noStart?: boolean;
  /** Long polling waits for `startPolling()` (a process standing by). */
  readonly pollOnlyWhenLeading?: boolean;
  readonly pollRetryMs?: number;
}

/** A real telegraf bot (our adapter) on a newsroom, talking to a {@link FakeTelegram} on 127.0.0.1. */
export async function startBot(options: BotOptions = {}) {
  const fake = new FakeTelegram(options.fake);
  const { apiRoot } = await fake.start();
  const room = await makeNewsroom({ editors: { telegram: [String(EDITOR_ID)] }, ...options });
  const dispatcher = options.dispatcher ? options.dispatcher(room.newsroom) : room.dispatcher;
  const { logger, records } = recordingLogger();
  const adapter: TelegramAdapter = createTelegramAdapter({
    dispatcher,
    newsroom: room.newsroom,
    logger,
    config: { token: fake.token, apiRoot, maxPerSecond: 30, ...options.config },
    now: () => room.clock.now(),
    editorIds: [String(EDITOR_ID)],
    stopTimeoutMs: 2_000,
    ...(options.gate !== undefined && { gate: options.gate }),
    ...(options.retry !== undefined && { retry: options.retry }),
    ...(options.webhookHost !== undefined && { webhookHost: options.webhookHost }),
    ...(options.pollOnlyWhenLeading !== undefined && { pollOnlyWhenLeading: options.pollOnlyWhenLeading }),
    ...(options.pollRetryMs !== undefined && { pollRetryMs: options.pollRetryMs }),
  });
  if (!options.noStart) await adapter.start();

  /** Sends a message as a user and waits for the bot's first answer in that chat (and thread). */
  const ask = async (
    input: Parameters<FakeTelegram['sendText']>[0],
    match: (m: SentMessage) => boolean = () => true,
  ): Promise<SentMessage> => {
    const before = fake.sent.length;
    fake.sendText(input);
    return await fake.waitForSent(
      (m) =>
        fake.sent.indexOf(m) >= before &&
        String(m.chat_id) === String(input.chat.id) &&
        (input.message_thread_id === undefined || m.message_thread_id === input.message_thread_id) &&
        match(m),
    );
  };

  /** Every update pushed so far has been fetched and handled. */
  const settle = async (): Promise<void> => {
    await fake.waitForUpdatesConsumed();
    await adapter.settled();
  };

  const stop = async (): Promise<void> => {
    await adapter.stop();
    await fake.stop();
  };
  return { fake, adapter, ...room, dispatcher, logger, records, ask, settle, stop };
}

/** What {@link startBot} returns. */
export type Bot = Awaited<ReturnType<typeof startBot>>;
