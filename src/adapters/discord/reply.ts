import {
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  MessageFlags,
  type RepliableInteraction,
} from 'discord.js';
import type { Doc } from '../../core/document.js';
import { type DiscordPayload, NO_MENTIONS, renderDiscord } from './render.js';

/**
 * Discord invalidates an interaction not answered within 3 seconds; a reply not ready after this
 * long is deferred ("Briefcast is thinking…") and sent when it is, within the token's 15 minutes.
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 */
export const DEFER_AFTER_MS = 1500;

/** Replies to mistakes and private documents (a chat's settings) are shown to the asker only. */
export function isEphemeral(doc: Doc): boolean {
  return doc.private === true || doc.tone === 'error';
}

function body(part: DiscordPayload): InteractionEditReplyOptions & InteractionReplyOptions {
  return {
    ...(part.content !== undefined && { content: part.content }),
    ...(part.embeds !== undefined && { embeds: [...part.embeds] }),
    ...(part.components !== undefined && { components: [...part.components] }),
    allowedMentions: { parse: [...NO_MENTIONS.parse] },
  };
}

function withFlags(part: DiscordPayload, ephemeral: boolean): InteractionReplyOptions {
  const options: InteractionReplyOptions = body(part);
  if (ephemeral) options.flags = MessageFlags.Ephemeral;
  return options;
}

const SLOW = Symbol('slow');

/**
 * Answers an interaction with the document `work` resolves to: replies at once when it is ready
 * within {@link DEFER_AFTER_MS}, otherwise defers first. The first message is the reply and the
 * rest follow-ups. A deferral is public (it cannot wait to learn the answer); when the answer
 * turns out ephemeral, the placeholder is deleted and the answer follows ephemerally.
 */
export async function answerWith(
  interaction: RepliableInteraction,
  work: Promise<Doc>,
  deferAfterMs: number = DEFER_AFTER_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<typeof SLOW>((resolve) => {
    timer = setTimeout(resolve, deferAfterMs, SLOW);
  });
  let first: Doc | typeof SLOW;
  try {
    first = await Promise.race([work, slow]);
  } finally {
    clearTimeout(timer);
  }
  if (first === SLOW) await interaction.deferReply();
  const doc = first === SLOW ? await work : first;
  const ephemeral = isEphemeral(doc);
  const [head, ...rest] = renderDiscord(doc);
  if (!head) return;
  if (!interaction.deferred) {
    await interaction.reply(withFlags(head, ephemeral));
  } else if (ephemeral) {
    await interaction.deleteReply();
    await interaction.followUp(withFlags(head, true));
  } else {
    await interaction.editReply(body(head));
  }
  for (const part of rest) await interaction.followUp(withFlags(part, ephemeral));
}

/** Answers with `doc` now: as the reply, or as a follow-up when the interaction was already answered. */
export async function answerNow(interaction: RepliableInteraction, doc: Doc): Promise<void> {
  const [head] = renderDiscord(doc);
  if (!head) return;
  const options = withFlags(head, isEphemeral(doc));
  if (interaction.deferred || interaction.replied) await interaction.followUp(options);
  else await interaction.reply(options);
}
