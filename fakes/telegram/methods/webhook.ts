/**
 * The webhook methods of the fake Telegram Bot API: setWebhook (its secret token checked), deleteWebhook and
 * getWebhookInfo, both able to drop pending updates. While a webhook is set, getUpdates answers 409.
 *
 * @see https://core.telegram.org/bots/api#setwebhook
 */
import { type Params, paramBool, paramInt, paramString, paramStructured } from '../params.js';
import { BAD_SECRET_TOKEN, okReply, type Reply, TRUE_REPLY } from '../replies.js';
import type { MethodContext } from './context.js';

const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** deleteWebhook, optionally with `drop_pending_updates`. */
export function deleteWebhook(ctx: MethodContext, params: Params): Reply {
  ctx.state.webhook = undefined;
  if (paramBool(params.drop_pending_updates)) ctx.updates.drop();
  return TRUE_REPLY;
}

/** setWebhook: records the URL, secret, `allowed_updates` and `max_connections`; an empty URL removes it. */
export function setWebhook(ctx: MethodContext, params: Params): Reply {
  const url = paramString(params.url) ?? '';
  const secret = paramString(params.secret_token);
  if (secret !== undefined && !SECRET_TOKEN_PATTERN.test(secret)) return BAD_SECRET_TOKEN;
  if (paramBool(params.drop_pending_updates)) ctx.updates.drop();
  if (url === '') {
    ctx.state.webhook = undefined;
    return TRUE_REPLY;
  }
  const registration: {
    url: string;
    secret_token?: string;
    allowed_updates?: unknown;
    max_connections?: number;
  } = { url };
  if (secret !== undefined) registration.secret_token = secret;
  if (params.allowed_updates !== undefined)
    registration.allowed_updates = paramStructured(params.allowed_updates);
  const maxConnections = paramInt(params.max_connections);
  if (maxConnections !== undefined) registration.max_connections = maxConnections;
  ctx.state.webhook = registration;
  return TRUE_REPLY;
}

/** getWebhookInfo: the URL (or `''`) and the pending update count. */
export function getWebhookInfo(ctx: MethodContext): Reply {
  const info: Record<string, unknown> = {
    url: ctx.state.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: ctx.updates.pending,
  };
  if (ctx.state.webhook?.max_connections !== undefined)
    info.max_connections = ctx.state.webhook.max_connections;
  if (ctx.state.webhook?.allowed_updates !== undefined)
    info.allowed_updates = ctx.state.webhook.allowed_updates;
  return okReply(info);
}
