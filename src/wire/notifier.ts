import type { ChatRef, Platform, UserRef } from '../core/chat.js';
import type { Doc } from '../core/document.js';
import type { SendOutcome } from '../core/sender.js';
import type { Logger } from '../log.js';
import { DRAFTS_PER_MESSAGE, type PollOutcome, type Wire } from './wire.js';

/** Each editor gets at most one batch of new drafts this often. */
export const NOTIFY_INTERVAL_MS = 3 * 60_000;

/** How the wire reaches an editor's private chat on one platform. */
export interface EditorChannel {
  readonly platform: Platform;
  /** The editor's private chat with the bot (a Discord DM is opened on first use); `undefined` when none. */
  chatOf(userId: string): Promise<ChatRef | undefined>;
  /** Sends a document there, through the platform's send gate; never throws for the platform's answer. */
  send(chat: ChatRef, doc: Doc): Promise<SendOutcome>;
}

/** Options for {@link WireNotifier}. */
export interface WireNotifierOptions {
  readonly wire: Wire;
  readonly channels: readonly EditorChannel[];
  /** Editors' user ids by platform (`ADMIN_TELEGRAM_IDS`, `ADMIN_DISCORD_IDS`, the console user). */
  readonly editors: Readonly<Partial<Record<Platform, Iterable<string>>>>;
  readonly logger: Logger;
  /** @defaultValue {@link NOTIFY_INTERVAL_MS} */
  readonly intervalMs?: number;
}

/**
 * Tells editors what the wire brought, in their private chats: at most one message every few
 * minutes each, listing the newest drafts they have not been told of (with Publish and Skip
 * buttons) and how many more wait — never one message per entry. Each editor's cursor (the last
 * draft they were told of) is stored, so a restart neither repeats nor drops a batch. A feed paused
 * for failing is told at once to the editor who added it.
 */
export class WireNotifier {
  readonly #o: WireNotifierOptions;
  /** When each editor was last sent a batch (ms); a restart starts this over, at worst one batch early. */
  readonly #lastSent = new Map<string, number>();
  readonly #unreachable = new Set<string>();

  constructor(options: WireNotifierOptions) {
    this.#o = options;
  }

  #channel(platform: Platform): EditorChannel | undefined {
    return this.#o.channels.find((c) => c.platform === platform);
  }

  /** After a poll round: the paused feeds' editors, then every editor's batch when one is due. */
  async afterRound(outcomes: readonly PollOutcome[], now: Date): Promise<void> {
    for (const outcome of outcomes) if (outcome.kind === 'paused') await this.#tellPaused(outcome);
    await this.notify(now);
  }

  async #tellPaused(outcome: Extract<PollOutcome, { kind: 'paused' }>): Promise<void> {
    const editor: UserRef = outcome.feed.addedBy;
    const sent = await this.#sendTo(editor.platform, editor.id, this.#o.wire.views.feedPaused(outcome.feed));
    this.#o.logger.warn(
      {
        feed: outcome.feed.id,
        reason: outcome.reason,
        told: sent,
        editor: `${editor.platform}:${editor.id}`,
      },
      'wire feed paused after failing too often',
    );
  }

  /** Sends each editor whose interval has passed a batch of the drafts new to them. */
  async notify(now: Date): Promise<void> {
    const interval = this.#o.intervalMs ?? NOTIFY_INTERVAL_MS;
    // Stored before anyone is told of them: a notification never names a draft a crash could lose.
    await this.#o.wire.store.flush();
    for (const [platform, ids] of Object.entries(this.#o.editors) as [Platform, Iterable<string>][]) {
      if (!this.#channel(platform)) continue;
      for (const id of ids) {
        const key = `${platform}:${id}`;
        const last = this.#lastSent.get(key);
        if (last !== undefined && now.getTime() - last < interval) continue;
        const store = this.#o.wire.store;
        const cursor = await store.notifiedUpTo(key);
        const page = await store.listDrafts({ state: 'waiting', limit: DRAFTS_PER_MESSAGE, afterId: cursor });
        const newest = page.drafts[0];
        if (newest === undefined) continue;
        const doc = this.#o.wire.views.notification(page.drafts, page.total);
        const sent = await this.#sendTo(platform, id, doc);
        // Told, or never to be told this way (no private chat, blocked): either way not again.
        if (sent !== 'retry') {
          await store.setNotifiedUpTo(key, newest.id);
          this.#lastSent.set(key, now.getTime());
        }
      }
    }
  }

  /** Sends to an editor's private chat: `sent`, `unreachable` or `retry` (flood control, network). */
  async #sendTo(platform: Platform, userId: string, doc: Doc): Promise<'sent' | 'unreachable' | 'retry'> {
    const channel = this.#channel(platform);
    const key = `${platform}:${userId}`;
    if (!channel) return 'unreachable';
    const chat = await channel.chatOf(userId).catch(() => undefined);
    if (!chat) return this.#unreachableEditor(key, 'no private chat with the bot');
    const outcome = await channel.send(chat, doc);
    if (outcome.kind === 'sent' || outcome.kind === 'migrated') {
      this.#unreachable.delete(key);
      return 'sent';
    }
    if (outcome.kind === 'retryAfter' || outcome.kind === 'transient') return 'retry';
    return this.#unreachableEditor(key, outcome.reason);
  }

  #unreachableEditor(key: string, reason: string): 'unreachable' {
    // Said once per editor, not every round.
    if (!this.#unreachable.has(key)) {
      this.#unreachable.add(key);
      this.#o.logger.warn(
        { editor: key, reason },
        'cannot reach an editor in a private chat for wire notifications (they should open a chat with the bot)',
      );
    }
    return 'unreachable';
  }
}
