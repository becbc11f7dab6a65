import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChatRef, UserRef } from '../../core/chat.js';
import { CONSOLE_USER_ID, type Dispatcher } from '../../core/dispatch.js';
import type { Doc } from '../../core/document.js';
import { renderText } from '../../core/render-text.js';
import type { ChatSender, SendOutcome } from '../../core/sender.js';
import type { Adapter } from '../adapter.js';

/** The console's one chat. */
export const CONSOLE_CHAT: ChatRef = { platform: 'console', id: CONSOLE_USER_ID };

const COMMAND = /^\/([A-Za-z0-9_]+)(?:@\S+)?(?:\s([\s\S]*))?$/;

/**
 * Splits console input into messages: one per line, where a line ending in `\` continues on the next
 * (the `\` becomes a line break). Returns the finished messages and the unfinished rest.
 */
export function joinContinuations(
  pending: string | undefined,
  line: string,
): { message?: string; pending?: string } {
  const text = pending === undefined ? line : `${pending}\n${line}`;
  return text.endsWith('\\') ? { pending: text.slice(0, -1) } : { message: text };
}

/** Options for {@link ConsoleAdapter}. */
export interface ConsoleOptions {
  readonly dispatcher: Dispatcher;
  readonly input: Readable;
  readonly output: Writable;
  /** Printed once when the chat opens. */
  readonly greeting: string;
  /** Called when input ends (the app then shuts down). */
  readonly onEnd: () => void;
}

/**
 * The local chat in a terminal: reads one message per line, runs commands as the local user (an
 * editor) and prints replies as plain text. Digests for the console chat print here too.
 */
export class ConsoleAdapter implements Adapter {
  readonly name = 'console';
  readonly sender: ChatSender<string>;
  #open = false;
  #done: Promise<void> | undefined;
  readonly #user: UserRef;

  constructor(private readonly options: ConsoleOptions) {
    let name = 'you';
    try {
      name = userInfo().username || name;
    } catch {
      // No user database entry (some containers): keep the default name.
    }
    this.#user = { platform: 'console', id: CONSOLE_USER_ID, name };
    this.sender = {
      platform: 'console',
      render: (doc: Doc) => [renderText(doc)],
      send: async (_chat, text): Promise<SendOutcome> => {
        this.#print(text);
        return { kind: 'sent' };
      },
    };
  }

  #print(text: string): void {
    this.options.output.write(`${text}\n\n`);
  }

  /** Runs one message and prints the reply. */
  async handle(message: string): Promise<void> {
    const text = message.trim();
    if (text === '') return;
    const match = COMMAND.exec(text);
    if (!match) {
      this.#print('Commands start with a slash. Try /help, /brief or /topics.');
      return;
    }
    const reply = await this.options.dispatcher.dispatch({
      platform: 'console',
      command: match[1]!.toLowerCase(),
      input: { text: match[2] ?? '' },
      chat: CONSOLE_CHAT,
      chatKind: 'private',
      user: this.#user,
      isChatAdmin: async () => true,
    });
    this.#print(renderText(reply));
  }

  async start(): Promise<void> {
    this.#open = true;
    this.options.output.write(`${this.options.greeting}\n\n`);
    const lines = createInterface({
      input: this.options.input,
      crlfDelay: Number.POSITIVE_INFINITY,
      terminal: false,
    });
    this.#done = (async () => {
      let pending: string | undefined;
      for await (const line of lines) {
        const next = joinContinuations(pending, line);
        pending = next.pending;
        if (next.message !== undefined) await this.handle(next.message);
      }
      if (pending !== undefined) await this.handle(pending);
      this.#open = false;
      this.options.onEnd();
    })();
  }

  /** Resolves when input has ended and every message has been answered. */
  finished(): Promise<void> {
    return this.#done ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#open = false;
  }

  isConnected(): boolean {
    return this.#open;
  }

  /** The console is the local user's private chat: wire notifications print here. */
  async directChat(userId: string): Promise<ChatRef | undefined> {
    return userId === CONSOLE_USER_ID ? CONSOLE_CHAT : undefined;
  }
}
