/**
 * The Bot API methods the fake emulates, by name, and the dispatcher that counts each call and notes its
 * errors. Method names are case-insensitive, as in the Bot API. getUpdates is not here: it is a long poll,
 * answered by the update queue (`updates.ts`).
 */
import type { Params } from '../params.js';
import { okReply, type Reply } from '../replies.js';
import { answerCallbackQuery, getChat, getChatMember, leaveChat, sendChatAction } from './chats.js';
import { deleteMyCommands, getMyCommands, setMyCommands } from './commands.js';
import type { Method, MethodContext } from './context.js';
import { deleteMessage, editMessageText, sendMessage } from './messages.js';
import { deleteWebhook, getWebhookInfo, setWebhook } from './webhook.js';

/** getMe: the bot's user and what it can do. */
function getMe(ctx: MethodContext): Reply {
  return okReply({
    ...ctx.state.botUser,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  });
}

/** Every emulated method, in its canonical Bot API spelling. */
const METHODS: readonly (readonly [string, Method])[] = [
  ['getMe', getMe],
  ['deleteWebhook', deleteWebhook],
  ['setWebhook', setWebhook],
  ['getWebhookInfo', getWebhookInfo],
  ['setMyCommands', setMyCommands],
  ['getMyCommands', getMyCommands],
  ['deleteMyCommands', deleteMyCommands],
  ['getChatMember', getChatMember],
  ['getChat', getChat],
  ['sendMessage', sendMessage],
  ['editMessageText', editMessageText],
  ['deleteMessage', deleteMessage],
  ['answerCallbackQuery', answerCallbackQuery],
  ['sendChatAction', sendChatAction],
  ['leaveChat', leaveChat],
];

/** Runs methods against one fake's context, counting every call. */
export class MethodDispatcher {
  private readonly byKey: ReadonlyMap<string, readonly [string, Method]> = new Map(
    METHODS.map((entry) => [entry[0].toLowerCase(), entry] as const),
  );

  constructor(private readonly ctx: MethodContext) {}

  /** The canonical spelling of a method name given in any case; undefined when the fake does not emulate it. */
  canonical(name: string): string | undefined {
    return this.byKey.get(name.toLowerCase())?.[0];
  }

  /**
   * Runs the method `name` (any case); undefined when it is not emulated. Counts the call, and notes an error
   * answer for diagnostics (429s in `stats.rejected429`).
   */
  dispatch(name: string, params: Params): Reply | undefined {
    const entry = this.byKey.get(name.toLowerCase());
    if (entry === undefined) return undefined;
    const [canonical, method] = entry;
    this.ctx.records.countCall(canonical);
    const reply = method(this.ctx, params);
    if (reply !== 'destroy' && reply.description !== undefined) {
      this.ctx.records.noteError(canonical, reply.status, reply.description);
    }
    return reply;
  }
}
