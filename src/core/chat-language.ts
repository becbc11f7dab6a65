import { isLanguage, type LanguageCode } from '../i18n/translator.js';
import { type ChatRef, chatKey } from './chat.js';
import type { ChatPrefsStore } from './store.js';

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

/**
 * Chat languages kept in the store's per-chat preferences ({@link ChatPrefsStore}), by chat key: a
 * Telegram forum topic may have its own, else it speaks its group's — as a claimed delivery's
 * `language` does. A stored language Briefcast no longer speaks counts as none.
 */
export class StoreChatLanguages implements ChatLanguages {
  constructor(private readonly store: ChatPrefsStore) {}

  async languageOf(chat: ChatRef): Promise<LanguageCode | undefined> {
    const own = await this.#stored(chatKey(chat));
    if (own !== undefined || chat.thread === undefined) return own;
    return this.#stored(chatKey({ platform: chat.platform, id: chat.id }));
  }

  async setLanguage(chat: ChatRef, language: LanguageCode): Promise<void> {
    const key = chatKey(chat);
    const prefs = await this.store.getChatPrefs(key);
    await this.store.saveChatPrefs(key, { ...prefs, language });
  }

  async #stored(key: string): Promise<LanguageCode | undefined> {
    const language = (await this.store.getChatPrefs(key))?.language;
    return language !== undefined && isLanguage(language) ? language : undefined;
  }
}
