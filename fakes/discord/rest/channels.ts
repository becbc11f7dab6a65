/**
 * The fake Discord's channel and user routes: `GET /gateway/bot`, `GET /channels/:id`, `POST
 * /users/@me/channels` (a DM) and `POST /channels/:id/messages`, with the bot's channel permissions
 * (403 50001 / 50013), message validation and `enforce_nonce` deduplication.
 *
 * @see https://discord.com/developers/docs/resources/message#create-message
 */
import type { APIAllowedMentions } from 'discord.js';
import { channelPayload, messagePayload } from '../payloads.js';
import { PERMISSION, THREAD_TYPES } from '../protocol.js';
import { type ApiReply, apiError, FormErrors, isRecord } from '../replies.js';
import type { DiscordState } from '../state.js';
import type { RecordedMessage } from '../types.js';
import { nonEmptyArray, validateMessage } from '../validation/messages.js';
import type { RequestContext } from './route.js';

/** `enforce_nonce` dedupes "in the past few minutes" (message.mdx); the exact window is not published. */
const NONCE_WINDOW_MS = 5 * 60_000;

/** `GET /gateway/bot`: one shard, no session start limit in sight. */
export function gatewayBot(gatewayUrl: string): ApiReply {
  return {
    status: 200,
    body: {
      url: gatewayUrl,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
    },
  };
}

/** `GET /channels/:id`: 10003 when unknown, 50001 without VIEW_CHANNEL. */
export function getChannel(state: DiscordState, channelId: string): ApiReply {
  const channel = state.channels.get(channelId);
  if (!channel) return apiError('unknown_channel');
  if (channel.guildId && !(state.botPermissionsIn(channel) & PERMISSION.viewChannel))
    return apiError('missing_access');
  return { status: 200, body: channelPayload(state, channel) };
}

/** `POST /users/@me/channels`: the DM channel with `recipient_id`, created on first use. */
export function createDm(state: DiscordState, ctx: RequestContext): ApiReply {
  const recipient = isRecord(ctx.body) ? ctx.body.recipient_id : undefined;
  if (typeof recipient !== 'string' || !/^\d{15,21}$/.test(recipient)) {
    const errors = new FormErrors();
    errors.add(['recipient_id'], 'NUMBER_TYPE_COERCE', 'Value is not snowflake.');
    return errors.reply() ?? { status: 400 };
  }
  let channelId = state.dmByUser.get(recipient);
  if (channelId === undefined) {
    channelId = state.nextId();
    state.addDmChannel(channelId, recipient);
  }
  const channel = state.channels.get(channelId);
  if (!channel) return apiError('unknown_channel');
  return { status: 200, body: channelPayload(state, channel) };
}

/** `POST /channels/:id/messages`: permissions, validation and `enforce_nonce`, then the message is recorded. */
export function createMessage(state: DiscordState, channelId: string, ctx: RequestContext): ApiReply {
  const channel = state.channels.get(channelId);
  if (!channel) return apiError('unknown_channel');
  const permissions = state.botPermissionsIn(channel);
  if (channel.guildId && !(permissions & PERMISSION.viewChannel)) return apiError('missing_access');
  const result = validateMessage(ctx.body, true);
  if (!result.ok) return result.reply;
  const checked = result.value;
  if (channel.guildId) {
    const send = THREAD_TYPES.has(channel.type) ? PERMISSION.sendMessagesInThreads : PERMISSION.sendMessages;
    if (!(permissions & send)) return apiError('missing_permissions');
    if (nonEmptyArray(checked.embeds) && !(permissions & PERMISSION.embedLinks)) {
      return apiError('missing_permissions');
    }
  }
  const nonce = checked.nonce ?? null;
  const enforce = checked.enforce_nonce === true && nonce !== null;
  // The bot is the only author, so the author-scoped nonce key is just the nonce.
  const nonceKey = `${typeof nonce}:${String(nonce)}`;
  if (enforce) {
    const previous = state.nonces.get(nonceKey);
    if (previous && ctx.now - previous.at < NONCE_WINDOW_MS) return { status: 200, body: previous.message };
  }
  const id = state.nextId();
  const content = checked.content ?? '';
  const embeds = checked.embeds ?? [];
  const allowedMentions = checked.allowed_mentions ?? null;
  const record: RecordedMessage = {
    id,
    channel_id: channelId,
    content,
    embeds,
    nonce,
    enforce_nonce: checked.enforce_nonce === true,
    allowed_mentions: allowedMentions,
    mention_everyone: pingsEveryone(content, allowedMentions),
    components: Array.isArray(checked.components) ? checked.components : [],
    at: ctx.now,
  };
  const message = messagePayload(state, id, channelId, checked, ctx.now, {
    nonce,
    mention_everyone: record.mention_everyone,
  });
  if (enforce) state.nonces.set(nonceKey, { at: ctx.now, message });
  state.recordMessage(record);
  return { status: 200, body: message };
}

/** Whether `@everyone`/`@here` in the content would ping: regular messages parse everything by default. */
function pingsEveryone(content: string, allowed: APIAllowedMentions | null): boolean {
  if (!content.includes('@everyone') && !content.includes('@here')) return false;
  // Without allowed_mentions everything is parsed; with it, only what `parse` lists.
  if (allowed === null) return true;
  const parse: readonly string[] | undefined = allowed.parse;
  return parse?.includes('everyone') === true;
}
