import { type ButtonInteraction, ComponentType, MessageFlags } from 'discord.js';
import { usageDoc } from '../../core/dispatch.js';
import type { InteractionDeps } from './interactions.js';
import { invocationBase } from './invocation.js';
import { escapeText, NO_MENTIONS, renderDiscord } from './render.js';

/** Every button `custom_id` on the message a button was pressed under, in order. */
function viewOf(interaction: ButtonInteraction): string[] {
  const ids: string[] = [];
  for (const row of interaction.message.components) {
    if (row.type !== ComponentType.ActionRow) continue;
    for (const component of row.components)
      if (component.type === ComponentType.Button && component.customId !== null)
        ids.push(component.customId);
  }
  return ids;
}

/**
 * A button pressed under one of the bot's messages: the dispatcher decides (with the same access
 * checks as the typed command); the message is updated in place to its new state (interaction
 * callback type 7, "update message"), and the notice follows, shown to the presser only.
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type
 */
export async function answerButton(interaction: ButtonInteraction, deps: InteractionDeps): Promise<void> {
  const base = invocationBase(interaction);
  if (!base) {
    const [head] = renderDiscord(usageDoc('Briefcast cannot tell which channel this came from.'));
    await interaction.reply({
      content: head?.content ?? '',
      flags: MessageFlags.Ephemeral,
      allowedMentions: { parse: [] },
    });
    return;
  }
  const reply = await deps.dispatcher.press({
    ...base,
    data: interaction.customId,
    view: viewOf(interaction),
  });
  const [head] = reply.doc === undefined ? [] : renderDiscord(reply.doc);
  if (head !== undefined) {
    await interaction.update({
      ...(head.content !== undefined && { content: head.content }),
      embeds: head.embeds === undefined ? [] : [...head.embeds],
      components: head.components === undefined ? [] : [...head.components],
      allowedMentions: { parse: [...NO_MENTIONS.parse] },
    });
    if (reply.notice !== undefined)
      await interaction.followUp({
        content: escapeText(reply.notice),
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
    return;
  }
  await interaction.reply({
    content: escapeText(reply.notice ?? 'Done.'),
    flags: MessageFlags.Ephemeral,
    allowedMentions: { parse: [] },
  });
}
