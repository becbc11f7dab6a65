/**
 * What the bot did to the fake Telegram Bot API: the messages it sent, its edits, deletions, callback answers,
 * chat actions and left chats, per-method call counts and the latest API errors, with bounded waits on them.
 */
import { HTTP_TOO_MANY_REQUESTS } from './replies.js';
import type { EditedMessage, FakeTelegramStats, SentMessage } from './types.js';
import { Waiters } from './waiters.js';

/** How many recorded messages and errors a timeout message lists. */
const DIAGNOSTIC_LIST_LENGTH = 15;
const DIAGNOSTIC_TEXT_LENGTH = 80;
const RECENT_ERRORS_KEPT = 5;

/** An accepted deleteMessage call. */
export interface DeletedMessage {
  readonly chat_id: number | string;
  readonly message_id: number;
}

/** An accepted sendChatAction call. */
export interface ChatAction {
  readonly chat_id: number | string;
  readonly action: string;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The fake's observations, forgotten by {@link TelegramRecords.reset}. */
export class TelegramRecords {
  /** Every accepted message when `recordSent` is on, oldest first. */
  readonly sent: SentMessage[] = [];
  readonly edits: EditedMessage[] = [];
  readonly deleted: DeletedMessage[] = [];
  readonly callbackAnswers: Readonly<Record<string, unknown>>[] = [];
  readonly chatActions: ChatAction[] = [];
  readonly leftChats: (number | string)[] = [];
  /** Waits for a sent message, re-checked on each recorded one. */
  readonly sentWaiters = new Waiters<SentMessage>();
  /** Waits for a call count, re-checked on each call. */
  readonly callWaiters = new Waiters<true>();

  private readonly sentByChat = new Map<string, SentMessage[]>();
  private readonly sentCounts = new Map<string, number>();
  private acceptedCount = 0;
  private rejected429Count = 0;
  private byMethod: Record<string, number> = {};
  private readonly recentErrors: string[] = [];

  /** Messages recorded for the chat `key`. */
  sentTo(key: string): readonly SentMessage[] {
    return this.sentByChat.get(key) ?? [];
  }

  /** Messages accepted for the chat `key`, recorded or not. */
  sentCount(key: string): number {
    return this.sentCounts.get(key) ?? 0;
  }

  /** How often `name` was called. */
  calls(name: string): number {
    return this.byMethod[name] ?? 0;
  }

  /** Counters: accepted sendMessage calls, 429 answers, calls per method. A snapshot. */
  get stats(): FakeTelegramStats {
    return {
      accepted: this.acceptedCount,
      rejected429: this.rejected429Count,
      byMethod: { ...this.byMethod },
    };
  }

  /** Counts one call of `name` and re-checks the call waits. */
  countCall(name: string): void {
    this.byMethod[name] = (this.byMethod[name] ?? 0) + 1;
    if (this.callWaiters.size > 0) this.callWaiters.notify();
  }

  /** Notes an error reply of `name` for diagnostics, and counts it when it is a 429. */
  noteError(name: string, status: number, description: string): void {
    if (status === HTTP_TOO_MANY_REQUESTS) this.rejected429Count++;
    this.recentErrors.push(`${name}: ${status} ${description}`);
    if (this.recentErrors.length > RECENT_ERRORS_KEPT) this.recentErrors.shift();
  }

  /** Counts a message accepted for the chat `key`. */
  countAccepted(key: string): void {
    this.acceptedCount++;
    this.sentCounts.set(key, (this.sentCounts.get(key) ?? 0) + 1);
  }

  /** Records an accepted message for the chat `key` and re-checks the sent waits. */
  recordSent(key: string, record: SentMessage): void {
    this.sent.push(record);
    const forChat = this.sentByChat.get(key);
    if (forChat === undefined) this.sentByChat.set(key, [record]);
    else forChat.push(record);
    if (this.sentWaiters.size > 0) this.sentWaiters.notify();
  }

  /** The latest sent messages and API errors, for a timeout message. */
  describeSent(): string {
    const lines = [`Sent ${this.sent.length} message(s)`];
    const shown = this.sent.slice(-DIAGNOSTIC_LIST_LENGTH);
    if (shown.length < this.sent.length) lines.push(`  (last ${shown.length} shown)`);
    for (const m of shown) {
      lines.push(
        `  #${m.message_id} to ${m.chat_id}: ${JSON.stringify(truncate(m.text, DIAGNOSTIC_TEXT_LENGTH))}`,
      );
    }
    if (this.recentErrors.length > 0) {
      lines.push('Latest API errors:', ...this.recentErrors.map((e) => `  ${e}`));
    }
    return lines.join('\n');
  }

  /** Forgets every record and counter. */
  reset(): void {
    this.sent.length = 0;
    this.sentByChat.clear();
    this.sentCounts.clear();
    this.edits.length = 0;
    this.deleted.length = 0;
    this.callbackAnswers.length = 0;
    this.chatActions.length = 0;
    this.leftChats.length = 0;
    this.acceptedCount = 0;
    this.rejected429Count = 0;
    this.byMethod = {};
    this.recentErrors.length = 0;
  }
}
