/**
 * The fake Discord's interaction routes: the callback (`POST /interactions/:id/:token/callback`, once, within
 * 3 s when the deadline is enforced, `?with_response=true` answered with the callback response object) and
 * the interaction webhook (follow-ups, `GET|PATCH|DELETE messages/@original`).
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding
 */
import type { InteractionRecord } from '../interaction-record.js';
import { interactionMessage } from '../payloads.js';
import { CALLBACK, hasFlag, INTERACTION_TYPE, MESSAGE_FLAG } from '../protocol.js';
import { type ApiReply, apiError, type JsonRecord } from '../replies.js';
import type { DiscordState } from '../state.js';
import type { FakeMessageBody, InteractionCallback } from '../types.js';
import { validateCallback } from '../validation/callbacks.js';
import { validateMessage } from '../validation/messages.js';
import type { RequestContext } from './route.js';

/** "You must send an initial response within 3 seconds" (receiving-and-responding.mdx). */
const INTERACTION_DEADLINE_MS = 3_000;

/** The first callback of an interaction; a second is answered 40060, a late one (when enforced) 10062. */
export function callback(
  state: DiscordState,
  enforceDeadline: boolean,
  id: string,
  token: string,
  ctx: RequestContext,
): ApiReply {
  const record = state.interactions.get(id);
  if (!record || record.token !== token) return apiError('unknown_interaction');
  if (record.callbacks.length > 0) return apiError('already_acknowledged');
  const elapsed = ctx.now - record.createdAt;
  if (enforceDeadline && elapsed > INTERACTION_DEADLINE_MS) return apiError('unknown_interaction');
  const result = validateCallback(ctx.body, record.kind);
  if (!result.ok) return result.reply;
  const callback = result.value;
  record.callbacks.push(callback);
  record.respondedAfterMs = elapsed;
  // "Update message" edits the message the button was under, as Discord does.
  if (callback.type === CALLBACK.updateMessage && record.kind === 'component')
    updatePressedMessage(state, record, callback);
  record.notify();
  if (new URLSearchParams(ctx.query).get('with_response') !== 'true') return { status: 204 };
  return { status: 200, body: callbackResponse(state, record, callback, ctx.now) };
}

/** Applies an "update message" answer to the message the pressed button was on. */
function updatePressedMessage(
  state: DiscordState,
  record: InteractionRecord,
  callback: InteractionCallback,
): void {
  const pressed = record.payload.message as { id?: unknown } | undefined;
  const message = state.messages.find((m) => m.id === pressed?.id);
  const data = callback.data ?? {};
  if (!message) return;
  if (data.content !== undefined) message.content = data.content;
  if (data.embeds !== undefined) message.embeds = data.embeds;
  if (Array.isArray(data.components)) message.components = data.components;
}

/** The interaction callback response object (`?with_response=true`). */
function callbackResponse(
  state: DiscordState,
  record: InteractionRecord,
  callback: InteractionCallback,
  now: number,
): JsonRecord {
  const interactionType = INTERACTION_TYPE[record.kind];
  const data = callback.data ?? {};
  const hasMessage = callback.type === CALLBACK.message || callback.type === CALLBACK.deferredMessage;
  if (!hasMessage)
    return { interaction: { id: record.id, type: interactionType }, resource: { type: callback.type } };
  const loading = callback.type === CALLBACK.deferredMessage;
  const ephemeral = hasFlag(data.flags, MESSAGE_FLAG.ephemeral);
  const flags = (data.flags ?? 0) | (loading ? MESSAGE_FLAG.loading : 0);
  const body: FakeMessageBody = loading ? { flags } : { ...data, flags };
  return {
    interaction: {
      id: record.id,
      type: interactionType,
      response_message_id: record.originalMessageId,
      response_message_loading: loading,
      response_message_ephemeral: ephemeral,
    },
    resource: {
      type: callback.type,
      message: interactionMessage(state, record, record.originalMessageId, body, now),
    },
  };
}

/** `POST /webhooks/:app/:token`: a follow-up, once the interaction was answered. */
export function followUp(state: DiscordState, app: string, token: string, ctx: RequestContext): ApiReply {
  const record = state.interactionsByToken.get(token);
  if (!record || app !== state.bot.applicationId) return apiError('unknown_webhook');
  if (record.callbacks.length === 0) return apiError('unknown_webhook');
  const result = validateMessage(ctx.body, true);
  if (!result.ok) return result.reply;
  const checked = result.value;
  record.followUps.push(checked);
  record.notify();
  return { status: 200, body: interactionMessage(state, record, state.nextId(), checked, ctx.now) };
}

/** `GET|PATCH|DELETE /webhooks/:app/:token/messages/@original`: the original response. */
export function webhookMessage(
  state: DiscordState,
  app: string,
  token: string,
  messageId: string,
  ctx: RequestContext,
): ApiReply {
  const record = state.interactionsByToken.get(token);
  if (!record || app !== state.bot.applicationId) return apiError('unknown_webhook');
  const original = messageId === '@original' || messageId === record.originalMessageId;
  const first = record.callbacks[0];
  const hasOriginal =
    first !== undefined &&
    (first.type === CALLBACK.message || first.type === CALLBACK.deferredMessage) &&
    !record.deleted;
  if (!original || !hasOriginal) return apiError('unknown_message');
  if (ctx.method === 'DELETE') {
    record.deleted = true;
    record.notify();
    return { status: 204 };
  }
  if (ctx.method === 'GET') {
    const latest = record.edits.at(-1) ?? first.data ?? {};
    return {
      status: 200,
      body: interactionMessage(state, record, record.originalMessageId, latest, ctx.now),
    };
  }
  const result = validateMessage(ctx.body, false);
  if (!result.ok) return result.reply;
  const checked = result.value;
  record.edits.push(checked);
  record.notify();
  const flags = (first.data?.flags ?? 0) | (checked.flags ?? 0);
  return {
    status: 200,
    body: interactionMessage(state, record, record.originalMessageId, { ...checked, flags }, ctx.now),
  };
}
