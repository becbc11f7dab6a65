import { type ChatRef, chatKey, type Platform } from '../../src/core/chat.js';
import type { Block, Doc } from '../../src/core/document.js';
import { renderText } from '../../src/core/render-text.js';
import type { ChatSender, SendGate, SendOptions, SendOutcome } from '../../src/core/sender.js';

/** One message part as the fake renders it: the text, and where it sits in its digest. */
export interface FakePart {
  readonly text: string;
  readonly index: number;
  readonly of: number;
  /** The item headlines in this part. */
  readonly headlines: readonly string[];
}

/** One call to `send`, as the fake recorded it. */
export interface SendRecord {
  readonly chat: ChatRef;
  readonly part: FakePart;
  readonly options: SendOptions;
  readonly outcome: SendOutcome;
}

/** Options for {@link FakeSender}. */
export interface FakeSenderOptions {
  /** Split each document into this many parts (at block boundaries), like a long digest. @defaultValue 1 */
  readonly partsPerDoc?: number;
  /** Every send takes this long. @defaultValue 0 */
  readonly delayMs?: number;
}

/**
 * An in-memory platform: renders documents to plain-text parts and records every send. Outcomes can
 * be scripted per chat (`script`), per chat and part (`scriptPart`) or for everyone (`scriptAll`);
 * an unscripted send is `sent`. It counts renders, so a test can prove one render served many chats.
 */
export class FakeSender implements ChatSender<FakePart> {
  renders = 0;
  readonly sends: SendRecord[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly #byChat = new Map<string, SendOutcome[]>();
  readonly #byPart = new Map<string, SendOutcome[]>();
  readonly #all: SendOutcome[] = [];

  constructor(
    readonly platform: Platform = 'telegram',
    private readonly options: FakeSenderOptions = {},
  ) {}

  render(doc: Doc): readonly FakePart[] {
    this.renders += 1;
    const n = Math.max(1, Math.min(this.options.partsPerDoc ?? 1, doc.blocks.length));
    const size = Math.ceil(doc.blocks.length / n);
    const chunks: Block[][] = [];
    for (let i = 0; i < doc.blocks.length; i += size) chunks.push(doc.blocks.slice(i, i + size));
    return chunks.map((blocks, index) => ({
      text: renderText(index === 0 ? { ...doc, blocks } : { blocks }),
      index,
      of: chunks.length,
      headlines: blocks.flatMap((b) => (b.type === 'item' ? [b.item.headline] : [])),
    }));
  }

  /** The next sends to `chat` answer these outcomes, in order. */
  script(chat: string | ChatRef, ...outcomes: SendOutcome[]): this {
    const key = typeof chat === 'string' ? chat : chatKey(chat);
    this.#byChat.set(key, [...(this.#byChat.get(key) ?? []), ...outcomes]);
    return this;
  }

  /** The next sends of part `index` to `chat` answer these outcomes, in order. */
  scriptPart(chat: string, index: number, ...outcomes: SendOutcome[]): this {
    const key = `${chat}|${index}`;
    this.#byPart.set(key, [...(this.#byPart.get(key) ?? []), ...outcomes]);
    return this;
  }

  /** The next sends to any chat answer these outcomes, in order. */
  scriptAll(...outcomes: SendOutcome[]): this {
    this.#all.push(...outcomes);
    return this;
  }

  async send(chat: ChatRef, part: FakePart, options: SendOptions): Promise<SendOutcome> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
      const key = chatKey(chat);
      const outcome =
        this.#byPart.get(`${key}|${part.index}`)?.shift() ??
        this.#byChat.get(key)?.shift() ??
        this.#all.shift() ??
        ({ kind: 'sent', messageId: String(this.sends.length + 1) } as const);
      this.sends.push({ chat, part, options, outcome });
      return outcome;
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Sends that were delivered (`sent`), optionally to one chat only. */
  delivered(chat?: string): SendRecord[] {
    return this.sends.filter(
      (s) => s.outcome.kind === 'sent' && (chat === undefined || chatKey(s.chat) === chat),
    );
  }
}

/** A gate that never waits and records what it was asked. */
export class RecordingGate implements SendGate {
  readonly acquired: ChatRef[] = [];
  readonly backOffs: number[] = [];

  async acquire(chat: ChatRef): Promise<void> {
    this.acquired.push(chat);
  }

  backOff(seconds: number): void {
    this.backOffs.push(seconds);
  }
}
