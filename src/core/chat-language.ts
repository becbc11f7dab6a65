import type { LanguageCode } from '../i18n/translator.js';
import { type ChatRef, chatKey } from './chat.js';

/**
 * The port for a chat's language: the one it chose with `/language` (or that `/subscribe` fixed for
 * its digests). Until a chat has one, replies follow the platform's locale, then `DEFAULT_LANGUAGE`.
 */
export interface ChatLanguages {
  /** The chat's language, or `undefined` when it has none yet. */
  languageOf(chat: ChatRef): Promise<LanguageCode | undefined>;
  /** Sets the chat's language. */
  setLanguage(chat: ChatRef, language: LanguageCode): Promise<void>;
}

/** Chat languages kept in memory, by chat key (a Telegram forum topic may have its own, else its group's). */
export class MemoryChatLanguages implements ChatLanguages {
  readonly #byChat = new Map<string, LanguageCode>();

  async languageOf(chat: ChatRef): Promise<LanguageCode | undefined> {
    const own = this.#byChat.get(chatKey(chat));
    if (own !== undefined || chat.thread === undefined) return own;
    // A forum topic that has chosen none speaks its group's language.
    return this.#byChat.get(chatKey({ platform: chat.platform, id: chat.id }));
  }

  async setLanguage(chat: ChatRef, language: LanguageCode): Promise<void> {
    this.#byChat.set(chatKey(chat), language);
  }
}
