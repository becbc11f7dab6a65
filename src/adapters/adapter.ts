import type { ChatSender } from '../core/sender.js';

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
}
