import { type APIMessage, type REST, Routes } from 'discord.js';
import type { ChatRef } from '../../core/chat.js';
import type { Doc } from '../../core/document.js';
import type { ChatSender, SendOptions, SendOutcome } from '../../core/sender.js';
import { sendOutcomeOf } from './errors.js';
import { type DiscordPayload, renderDiscord } from './render.js';

/**
 * Discord accepts a nonce of at most 25 characters.
 * @see https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 */
export const NONCE_MAX_LENGTH = 25;

/**
 * How delivery sends to Discord: `POST /channels/{id}/messages` through discord.js's REST client,
 * whose per-route queues wait out 429s (and retry 5xx and network failures a few times) before an
 * answer comes back here. A given nonce goes with `enforce_nonce`, so a retried send of the same
 * digest part returns the first message instead of posting twice. Answers map to outcomes in
 * {@link sendOutcomeOf}; this never throws for what Discord says.
 */
export function createDiscordSender(rest: REST): ChatSender<DiscordPayload> {
  return {
    platform: 'discord',
    render: (doc: Doc) => renderDiscord(doc),
    async send(chat: ChatRef, part: DiscordPayload, options: SendOptions): Promise<SendOutcome> {
      const { nonce } = options;
      if (nonce !== undefined && (nonce.length === 0 || nonce.length > NONCE_MAX_LENGTH))
        throw new RangeError(`a Discord nonce has 1–${NONCE_MAX_LENGTH} characters; got ${nonce.length}`);
      try {
        const message = (await rest.post(Routes.channelMessages(chat.id), {
          body: { ...part, ...(nonce !== undefined && { nonce, enforce_nonce: true }) },
        })) as APIMessage;
        return { kind: 'sent', messageId: message.id };
      } catch (error) {
        return sendOutcomeOf(error);
      }
    },
  };
}
