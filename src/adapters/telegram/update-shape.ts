/**
 * The shape check every Telegram update passes before a handler, or one of telegraf's filters, reads
 * it. The Bot API types updates, but an update is data off the network: a self-hosted Bot API
 * server, a proxy or a bug can send one with a field missing or of the wrong type, and then
 * `message.chat.id` throws in a handler — or, for a `message` that is not an object, telegraf's own
 * `message('text')` filter throws before any handler runs. Checked once, at the edge, for the fields
 * the adapter reads; everything else is left as it comes.
 * @see https://core.telegram.org/bots/api#update
 */

/** The update fields holding a message the adapter handles. */
const MESSAGE_FIELDS = ['message', 'channel_post'] as const;
const CHAT_TYPES: ReadonlySet<unknown> = new Set(['private', 'group', 'supergroup', 'channel']);

type Fields = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): boolean {
  return Number.isSafeInteger(value);
}

/** `value` is absent or passes `check`. */
function optional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

/** Why `chat` is not a Chat (`id` and `type` are what the adapter reads), or `undefined`. */
function chatProblem(chat: unknown, path: string): string | undefined {
  if (!isObject(chat)) return `${path} is not an object`;
  if (!isInteger(chat.id)) return `${path}.id is not an integer`;
  if (!CHAT_TYPES.has(chat.type)) return `${path}.type is not a chat type`;
  return undefined;
}

/** Why `user` is not a User (`id` and the name fields are what the adapter reads), or `undefined`. */
function userProblem(user: unknown, path: string): string | undefined {
  if (!isObject(user)) return `${path} is not an object`;
  if (!isInteger(user.id)) return `${path}.id is not an integer`;
  if (typeof user.first_name !== 'string') return `${path}.first_name is not a string`;
  if (!optional(user.last_name, (v) => typeof v === 'string')) return `${path}.last_name is not a string`;
  if (!optional(user.username, (v) => typeof v === 'string')) return `${path}.username is not a string`;
  return undefined;
}

function isEntity(entity: unknown): boolean {
  return (
    isObject(entity) &&
    typeof entity.type === 'string' &&
    isInteger(entity.offset) &&
    isInteger(entity.length) &&
    (entity.offset as number) >= 0 &&
    (entity.length as number) >= 0
  );
}

/** Why `message` is not a Message the adapter can read, or `undefined`. */
function messageProblem(message: unknown, path: string): string | undefined {
  if (!isObject(message)) return `${path} is not an object`;
  if (!isInteger(message.message_id)) return `${path}.message_id is not an integer`;
  const chat = chatProblem(message.chat, `${path}.chat`);
  if (chat) return chat;
  if (message.from !== undefined) {
    const from = userProblem(message.from, `${path}.from`);
    if (from) return from;
  }
  if (message.sender_chat !== undefined) {
    const sender = chatProblem(message.sender_chat, `${path}.sender_chat`);
    if (sender) return sender;
  }
  if (!optional(message.text, (v) => typeof v === 'string')) return `${path}.text is not a string`;
  if (!optional(message.entities, (v) => Array.isArray(v) && v.every(isEntity))) {
    return `${path}.entities is not a list of entities`;
  }
  for (const field of ['message_thread_id', 'migrate_to_chat_id', 'migrate_from_chat_id']) {
    if (!optional(message[field], isInteger)) return `${path}.${field} is not an integer`;
  }
  return undefined;
}

/** Why a `my_chat_member` update cannot be read, or `undefined`. */
function memberUpdateProblem(update: unknown, path: string): string | undefined {
  if (!isObject(update)) return `${path} is not an object`;
  const chat = chatProblem(update.chat, `${path}.chat`);
  if (chat) return chat;
  for (const field of ['old_chat_member', 'new_chat_member']) {
    const member = update[field];
    if (!isObject(member) || typeof member.status !== 'string') {
      return `${path}.${field} has no status`;
    }
  }
  return undefined;
}

/** Why a `callback_query` (a button pressed) cannot be read, or `undefined`. */
function callbackQueryProblem(query: unknown, path: string): string | undefined {
  if (!isObject(query)) return `${path} is not an object`;
  if (typeof query.id !== 'string') return `${path}.id is not a string`;
  const from = userProblem(query.from, `${path}.from`);
  if (from) return from;
  if (!optional(query.data, (v) => typeof v === 'string')) return `${path}.data is not a string`;
  if (query.message !== undefined) {
    if (!isObject(query.message)) return `${path}.message is not an object`;
    if (!isInteger(query.message.message_id)) return `${path}.message.message_id is not an integer`;
    const chat = chatProblem(query.message.chat, `${path}.message.chat`);
    if (chat) return chat;
    const markup = query.message.reply_markup;
    if (markup !== undefined && !(isObject(markup) && Array.isArray(markup.inline_keyboard)))
      return `${path}.message.reply_markup is not an inline keyboard`;
  }
  return undefined;
}

/**
 * Why `update` cannot be handled — a short description naming the field, never its value (some
 * servers put the bot token in updates) — or `undefined` when the fields the adapter reads are all
 * there with their types. Kinds of update the adapter does not handle pass as they are.
 */
export function malformedUpdate(update: unknown): string | undefined {
  if (!isObject(update)) return 'the update is not an object';
  for (const field of MESSAGE_FIELDS) {
    if (field in update) {
      const problem = messageProblem(update[field], field);
      if (problem) return problem;
    }
  }
  if ('my_chat_member' in update) return memberUpdateProblem(update.my_chat_member, 'my_chat_member');
  if ('callback_query' in update) return callbackQueryProblem(update.callback_query, 'callback_query');
  return undefined;
}
