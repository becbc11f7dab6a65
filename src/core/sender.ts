import type { ChatKind, ChatRef, Platform } from './chat.js';
import type { Doc } from './document.js';

/**
 * What a platform said to one message, as delivery needs to know it. Each adapter maps its
 * platform's answers to these once, in one table; delivery only ever sees outcomes.
 */
export type SendOutcome =
  /** Delivered. */
  | { readonly kind: 'sent'; readonly messageId?: string }
  /** Rate limited: try again after this many seconds. */
  | { readonly kind: 'retryAfter'; readonly seconds: number }
  /** The chat is gone for the bot (blocked, kicked, deleted, not found): pause with the reason. */
  | { readonly kind: 'gone'; readonly reason: string }
  /** The bot may not post there (missing access or permissions): pause, and tell the chat if possible. */
  | { readonly kind: 'forbidden'; readonly reason: string }
  /** The chat moved (a Telegram group became a supergroup): send there instead. */
  | { readonly kind: 'migrated'; readonly to: ChatRef }
  /** A 5xx or network failure, or an answer we do not understand: retry with backoff. */
  | { readonly kind: 'transient'; readonly reason: string };

/** Options for sending one message part. */
export interface SendOptions {
  /**
   * An idempotency key for this message (≤ 25 characters, stable for a subscription, local date and
   * part), so a retried send cannot post twice where the platform supports it (Discord's nonce).
   */
  readonly nonce?: string;
  /** Digests go without link previews; notices are short service messages. Neither pings anyone. */
  readonly kind: 'digest' | 'notice';
  /** The chat's kind when known; Telegram limits groups to 20 messages a minute. */
  readonly chatKind?: ChatKind;
}

/**
 * The port delivery sends through: one per platform. Rendering is separate from sending so that a
 * delivery run renders each distinct digest once and sends the same parts to many chats; sending is
 * one message at a time so that rate limits count messages.
 */
export interface ChatSender<Part = unknown> {
  readonly platform: Platform;
  /** Turns a document into the platform's messages, split within its limits at block boundaries. */
  render(doc: Doc): readonly Part[];
  /** Sends one message to a chat and says how it went; never throws for a platform's answer. */
  send(chat: ChatRef, part: Part, options: SendOptions): Promise<SendOutcome>;
}

/**
 * A gate every message to a platform passes before it is sent — digests and command replies alike —
 * so that the bot as a whole stays within the platform's limits. Implemented in `src/delivery/`.
 */
export interface SendGate {
  /** Resolves when one message to `chat` may be sent now. */
  acquire(chat: ChatRef, chatKind?: ChatKind): Promise<void>;
  /** The platform said 429: hold every send for `seconds`. */
  backOff(seconds: number): void;
  /**
   * The message last let through for `chat` was answered (whatever the answer). A gate that counts
   * messages from their answer — when the platform has surely counted them — needs it; senders call
   * it after every send that passed {@link acquire}.
   */
  answered?(chat: ChatRef, chatKind?: ChatKind): void;
}
