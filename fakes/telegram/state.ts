/**
 * The world the fake Telegram Bot API knows: the bot, chats, users, chat members, the messages that can still
 * be edited or deleted, the command lists and the webhook. Chats that were never registered are inferred from
 * their id, as a bot sees them.
 */
import { chatKey, paramInt } from './params.js';
import type {
  ChatMemberStatus,
  ChatType,
  CommandRegistration,
  FakeChat,
  FakeUser,
  SendTextInput,
  WebhookRegistration,
} from './types.js';

/** Default id of the human user in built updates (private chats use the chat id instead). */
const DEFAULT_USER_ID = 10_001;
/** The first name of users the fake makes up. */
export const DEFAULT_USER_FIRST_NAME = 'Alice';
/** Milliseconds per second, for Telegram's whole-second dates. */
export const MS_PER_SECOND = 1_000;

/** The bot's own user, as getMe answers it. */
export interface BotUser {
  readonly id: number;
  readonly is_bot: true;
  readonly first_name: string;
  readonly username: string;
}

/** What editMessageText compares against: the visible text, parse mode and reply markup of a message. */
export interface LiveMessage {
  text: string;
  parseMode: string | undefined;
  markup: string;
}

const ADMIN_RIGHTS = {
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_messages: true,
  can_edit_messages: true,
  can_pin_messages: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
} as const;

const RESTRICTED_RIGHTS = {
  is_member: true,
  can_send_messages: false,
  can_send_audios: false,
  can_send_documents: false,
  can_send_photos: false,
  can_send_videos: false,
  can_send_video_notes: false,
  can_send_voice_notes: false,
  can_send_polls: false,
  can_send_other_messages: false,
  can_add_web_page_previews: false,
  can_change_info: false,
  can_invite_users: false,
  can_pin_messages: false,
  can_manage_topics: false,
  until_date: 0,
} as const;

/** `Date.now()` in whole seconds, as Telegram dates are. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / MS_PER_SECOND);
}

function defaultUserFor(userId: number): FakeUser {
  return { id: userId, is_bot: false, first_name: `User ${userId}` };
}

/** Chats, users, members, live messages, commands and the webhook of one fake. */
export class TelegramState {
  /** Keyed by {@link chatKey}, and by `@username` for chats that have one. */
  private readonly chats = new Map<string, FakeChat>();
  /** Users seen in built updates, so that getChatMember answers with their names. */
  readonly users = new Map<number, FakeUser>();
  private readonly members = new Map<string, ChatMemberStatus>();
  /** Messages that can be edited or deleted, keyed `chatKey|message_id`. */
  readonly liveMessages = new Map<string, LiveMessage>();
  /** Command lists set by setMyCommands, keyed by scope and language. */
  readonly commandSets = new Map<string, CommandRegistration>();
  /** The webhook set by setWebhook, if any. */
  webhook: WebhookRegistration | undefined;

  private nextMessageId = 1;
  private nextCallbackId = 1;
  private nextSyntheticChatId = -1_009_000_000_000;

  constructor(readonly botUser: BotUser) {}

  /** Sets what getChatMember answers for `userId` in `chatId` (default `member`). */
  setChatMember(chatId: number | string, userId: number, status: ChatMemberStatus): void {
    this.members.set(`${chatKey(chatId)}|${userId}`, status);
  }

  /** The status set for `userId` in the chat `key`, `member` by default. */
  memberStatus(key: string, userId: number): ChatMemberStatus {
    return this.members.get(`${key}|${userId}`) ?? 'member';
  }

  /** Registers a chat so that getChat and sent messages report its real type and title. */
  setChat(chat: FakeChat): void {
    this.chats.set(String(chat.id), chat);
    if (chat.username !== undefined) this.chats.set(`@${chat.username.toLowerCase()}`, chat);
  }

  /** A registered chat by id, if any. */
  knownChat(chatId: number): FakeChat | undefined {
    return this.chats.get(String(chatId));
  }

  /** The bot, a user seen in an update, or a made-up "User N". */
  userFor(userId: number): object {
    return userId === this.botUser.id ? this.botUser : (this.users.get(userId) ?? defaultUserFor(userId));
  }

  /** A new message id (ids are global, as in a fresh bot's view). */
  newMessageId(): number {
    return this.nextMessageId++;
  }

  /** A new callback query id. */
  newCallbackId(): string {
    return String(this.nextCallbackId++);
  }

  /** The getChatMember answer for `user` with `status`, with the rights Telegram lists for it. */
  chatMember(user: object, status: ChatMemberStatus): Record<string, unknown> {
    switch (status) {
      case 'creator':
        return { user, status, is_anonymous: false };
      case 'administrator':
        return { user, status, ...ADMIN_RIGHTS };
      case 'restricted':
        return { user, status, ...RESTRICTED_RIGHTS };
      case 'kicked':
        return { user, status, until_date: 0 };
      default:
        return { user, status };
    }
  }

  /** A registered chat, or one inferred from the id: positive → private, -100… → supergroup, else group. */
  chatFor(chatId: number | string): FakeChat {
    const key = chatKey(chatId);
    const known = this.chats.get(key);
    if (known !== undefined) return known;
    const id = paramInt(chatId);
    if (id === undefined) {
      // An @username: a public channel.
      const chat: FakeChat = {
        id: this.nextSyntheticChatId--,
        type: 'channel',
        title: key,
        username: key.slice(1),
      };
      this.setChat(chat);
      return chat;
    }
    if (id > 0) return { id, type: 'private', first_name: DEFAULT_USER_FIRST_NAME };
    return key.startsWith('-100')
      ? { id, type: 'supergroup', title: 'Test supergroup' }
      : { id, type: 'group', title: 'Test group' };
  }

  /** Fills in a partial chat of an update to build (title or first name by type) and registers it. */
  completeChat(chat: SendTextInput['chat'], from: FakeUser | undefined): FakeChat {
    const type = chat.type ?? 'private';
    const full: {
      id: number;
      type: ChatType;
      title?: string;
      username?: string;
      first_name?: string;
      is_forum?: boolean;
    } = { id: chat.id, type };
    if (type === 'private') {
      full.first_name = chat.first_name ?? from?.first_name ?? DEFAULT_USER_FIRST_NAME;
    } else {
      full.title = chat.title ?? (type === 'channel' ? 'Test channel' : 'Test group');
    }
    if (chat.username !== undefined) full.username = chat.username;
    if (chat.is_forum !== undefined) full.is_forum = chat.is_forum;
    this.setChat(full);
    return full;
  }

  /** Who sends a built update by default: in private chats the chat's user, else user 10001 "Alice". */
  defaultUser(chat: FakeChat): FakeUser {
    if (chat.type === 'private') {
      return (
        this.users.get(chat.id) ?? { id: chat.id, first_name: chat.first_name ?? DEFAULT_USER_FIRST_NAME }
      );
    }
    return this.users.get(DEFAULT_USER_ID) ?? { id: DEFAULT_USER_ID, first_name: DEFAULT_USER_FIRST_NAME };
  }

  /** A new message id that editMessageText and deleteMessage will find (an empty message until edited). */
  allocateMessageId(chatId: number | string): number {
    const id = this.newMessageId();
    this.liveMessages.set(`${chatKey(chatId)}|${id}`, { text: '', parseMode: undefined, markup: '' });
    return id;
  }
}
