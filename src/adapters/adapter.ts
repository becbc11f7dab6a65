import type { ChatRef } from '../core/chat.js';
import type { Dispatcher } from '../core/dispatch.js';
import type { Newsroom } from '../core/newsroom.js';
import type { ChatSender } from '../core/sender.js';
import type { Logger } from '../log.js';

/** A platform connection as the app runs it. */
export interface Adapter {
  readonly name: string;
  /** Connects and starts serving commands; resolves once it is ready. */
  start(): Promise<void>;
  /** Stops taking new commands and lets replies under way finish. */
  stop(): Promise<void>;
  /** Whether it is connected now (for `/healthz`). */
  isConnected(): boolean;
  /** How delivery sends digests to this platform's chats. */
  readonly sender: ChatSender;
  /**
   * The private chat between the bot and a user (the wire's notifications to editors); `undefined`
   * when there is none. A Discord DM channel is opened on first use.
   */
  directChat?(userId: string): Promise<ChatRef | undefined>;
}

/**
 * What an adapter is built from. Adapters translate platform events into {@link Dispatcher} calls and
 * lifecycle events (bot removed, group upgraded) into {@link Newsroom} calls; nothing else.
 */
export interface AdapterContext {
  readonly dispatcher: Dispatcher;
  readonly newsroom: Newsroom;
  readonly logger: Logger;
}
