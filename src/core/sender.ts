import type { ChatRef, Platform } from './chat.js';
import type { Doc } from './document.js';

/**
 * What a platform said to one send, as delivery needs to know it. Each adapter maps its platform's
 * answers to these once, in one table; delivery only ever sees outcomes.
 */
export type SendOutcome =
  /** Delivered (every part). */
  | { readonly kind: 'sent' }
  /** Rate limited: try again after this many seconds. */
  | { readonly kind: 'retryAfter'; readonly seconds: number; readonly partsSent?: number }
  /** The chat is gone for the bot (blocked, kicked, deleted, not found): pause with the reason. */
  | { readonly kind: 'gone'; readonly reason: string }
  /** The bot may not post there (missing access or permissions): pause, and tell the chat if possible. */
  | { readonly kind: 'forbidden'; readonly reason: string }
  /** The chat moved (a Telegram group became a supergroup): send there instead. */
  | { readonly kind: 'migrated'; readonly to: ChatRef; readonly partsSent?: number }
  /** A 5xx or network failure: retry with backoff. */
  | { readonly kind: 'transient'; readonly reason: string; readonly partsSent?: number };

/** Options for one send. */
export interface SendOptions {
  /**
   * An idempotency key for this delivery (≤ 25 characters, stable for a subscription and local
   * date), so a retried send cannot post twice where the platform supports it (Discord's nonce).
   */
  readonly nonce?: string;
  /** Skip the first parts, already delivered by an earlier attempt. */
  readonly fromPart?: number;
  /** Digests are sent without link previews and without pinging anyone. */
  readonly kind: 'digest' | 'notice';
}

/**
 * The port delivery sends through: one per platform. Rendering is separate from sending so that a
 * delivery run renders each distinct digest once and sends the same parts to many chats.
 */
export interface ChatSender<Rendered = unknown> {
  readonly platform: Platform;
  /** Turns a document into the platform's message parts (split within its limits). */
  render(doc: Doc): Rendered;
  /** Sends rendered parts to a chat and says how it went; never throws for a platform's answer. */
  send(chat: ChatRef, rendered: Rendered, options: SendOptions): Promise<SendOutcome>;
}
