import type { Platform } from '../core/chat.js';
import { type Digest, type Digests, digestKey } from '../core/digest.js';
import type { ChatSender } from '../core/sender.js';
import type { Views } from '../core/views.js';
import type { Translator } from '../i18n/translator.js';

/**
 * A delivery run's memory of what it selected and rendered. Digests are selected once per distinct
 * (topics, cursor, window end) and rendered once per (language, platform, {@link digestKey}), and
 * every chat with the same key gets the same parts: 100,000 chats on the same topics cost one render
 * per language and platform, not 100,000. Lives for one run only, so its size is bounded by that run's distinct keys.
 */
export class DigestCache {
  readonly #digests = new Map<string, Promise<Digest | undefined>>();
  readonly #parts = new Map<string, readonly unknown[]>();

  constructor(
    private readonly digests: Pick<Digests, 'select'>,
    private readonly views: Pick<Views, 'digest'>,
  ) {}

  /** The digest for these topics after `cursor`, with its window ending at `upTo`. */
  digest(topics: readonly string[], cursor: string | undefined, upTo: Date): Promise<Digest | undefined> {
    const key = `${[...topics].sort().join(',')}|${cursor ?? ''}|${upTo.toISOString()}`;
    let digest = this.#digests.get(key);
    if (!digest) {
      digest = this.digests.select({ topics, ...(cursor !== undefined && { cursor }) }, upTo);
      this.#digests.set(key, digest);
    }
    return digest;
  }

  /** The digest rendered in `tr`'s language for `sender`'s platform, split into the messages to send. */
  parts(
    platform: Platform,
    sender: ChatSender,
    topics: readonly string[],
    digest: Digest,
    tr: Translator,
  ): readonly unknown[] {
    const key = `${tr.language}|${platform}|${digestKey(topics, digest.window)}`;
    let parts = this.#parts.get(key);
    if (!parts) {
      parts = sender.render(this.views.digest(digest, tr));
      this.#parts.set(key, parts);
    }
    return parts;
  }

  /** Distinct renders so far (for the run's log line). */
  get renders(): number {
    return this.#parts.size;
  }
}
