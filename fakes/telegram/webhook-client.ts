/**
 * The fake Telegram Bot API's outbound side: POSTing an update to the bot's webhook, as Telegram does, with
 * the secret token header, and reading a webhook reply (telegraf's `webhookReply`) as an API call.
 *
 * @see https://core.telegram.org/bots/api#setwebhook
 */
import { Buffer } from 'node:buffer';
import { Agent, request as httpRequest } from 'node:http';
import { isRecord, type Params } from './params.js';
import { JSON_CONTENT_TYPE } from './replies.js';

const WEBHOOK_TIMEOUT_MS = 5_000;
const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

/** What the webhook answered. */
export interface WebhookResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A keep-alive HTTP client for webhook deliveries, open while the fake runs. */
export class WebhookClient {
  private agent: Agent | undefined;

  /** Opens the keep-alive agent. */
  open(): void {
    this.agent = new Agent({ keepAlive: true });
  }

  /** Closes the agent and its sockets. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** POSTs `body` (an update as JSON) to `target`, with `secret` in the secret-token header when given. */
  post(target: string, body: string, secret: string | undefined): Promise<WebhookResponse> {
    const headers: Record<string, string | number> = {
      'content-type': JSON_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
    };
    if (secret !== undefined) headers[SECRET_TOKEN_HEADER] = secret;
    return new Promise<WebhookResponse>((resolve, reject) => {
      const req = httpRequest(
        target,
        { method: 'POST', headers, agent: this.agent ?? false, timeout: WEBHOOK_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'],
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`webhook did not answer within ${WEBHOOK_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** The API call a JSON webhook reply carries (`{ method, ...params }`), if any. */
export function webhookReplyCall(response: WebhookResponse): { method: string; params: Params } | undefined {
  if (response.contentType?.includes(JSON_CONTENT_TYPE) !== true || response.body === '') return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(response.body);
  } catch {
    return undefined;
  }
  if (!isRecord(payload) || typeof payload.method !== 'string') return undefined;
  return { method: payload.method, params: payload };
}
