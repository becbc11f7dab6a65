import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  Interaction,
  ModalSubmitInteraction,
} from 'discord.js';
import { APOLOGY, type Dispatcher, usageDoc } from '../../core/dispatch.js';
import type { Newsroom } from '../../core/newsroom.js';
import type { Logger } from '../../log.js';
import { suggestTimezones, suggestTopics } from './autocomplete.js';
import { answerButton } from './buttons.js';
import { buildModal, formCustomId, needsForm, parseFormCustomId, submittedValues } from './form.js';
import { invocationBase, invocationOf, mayRun, optionsOf } from './invocation.js';
import { answerNow, answerWith } from './reply.js';

/** What the interaction handler works with. */
export interface InteractionDeps {
  readonly dispatcher: Dispatcher;
  readonly newsroom: Newsroom;
  readonly logger: Logger;
  /** How long a reply may take before it is deferred. */
  readonly deferAfterMs: number;
}

/**
 * Handles one interaction: a slash command, an autocomplete request or a form submit. Never
 * throws: a failure is logged with the interaction's particulars and the user gets a short
 * apology, shown to them only.
 */
export async function handleInteraction(interaction: Interaction, deps: InteractionDeps): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) await onCommand(interaction, deps);
    else if (interaction.isAutocomplete()) await onAutocomplete(interaction, deps);
    else if (interaction.isModalSubmit()) await onFormSubmit(interaction, deps);
    else if (interaction.isButton()) await answerButton(interaction, deps);
  } catch (error) {
    deps.logger.error(
      {
        err: error,
        platform: 'discord',
        interaction: interaction.id,
        type: interaction.type,
        command:
          interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
        chat: interaction.channelId,
      },
      'interaction failed',
    );
    if (!interaction.isRepliable()) return;
    try {
      await answerNow(interaction, APOLOGY);
    } catch (apologyError) {
      // The interaction may have expired (10062); there is nobody left to tell.
      deps.logger.warn({ err: apologyError, interaction: interaction.id }, 'could not send the apology');
    }
  }
}

async function onCommand(interaction: ChatInputCommandInteraction, deps: InteractionDeps): Promise<void> {
  const { dispatcher, newsroom } = deps;
  const base = invocationBase(interaction);
  if (!base) {
    await answerNow(
      interaction,
      usageDoc('Briefcast cannot tell which channel this came from; try again in a channel.'),
    );
    return;
  }
  const given = optionsOf(interaction.options.data);
  const command = dispatcher.find(interaction.commandName, 'discord');
  if (command?.form && needsForm(command, given) && (await mayRun(command, base, dispatcher))) {
    const customId = formCustomId(command, given);
    if (customId !== undefined) {
      // What was typed wins over the prefill (`/edit 12 topic:nft` shows item 12 with the new topic).
      const prefill = command.form.prefill ? await command.form.prefill(newsroom, given) : {};
      await interaction.showModal(buildModal(command, customId, { ...prefill, ...given }));
      return;
    }
  }
  await answerWith(
    interaction,
    dispatcher.dispatch(invocationOf(base, interaction.commandName, given)),
    deps.deferAfterMs,
  );
}

async function onFormSubmit(interaction: ModalSubmitInteraction, deps: InteractionDeps): Promise<void> {
  const { dispatcher } = deps;
  const form = parseFormCustomId(interaction.customId);
  const command = form && dispatcher.find(form.command, 'discord');
  const base = invocationBase(interaction);
  if (!form || !command || !base) {
    await answerNow(interaction, usageDoc('This form is no longer in use; run the command again.'));
    return;
  }
  const values = submittedValues(command, (customId) => {
    const field = interaction.fields.fields.get(customId);
    return field !== undefined && 'value' in field && typeof field.value === 'string'
      ? field.value
      : undefined;
  });
  // The dispatcher checks again who may run the command: a form proves nothing.
  const invocation = invocationOf(base, command.name, { ...form.given, ...values });
  await answerWith(interaction, dispatcher.dispatch(invocation), deps.deferAfterMs);
}

async function onAutocomplete(interaction: AutocompleteInteraction, deps: InteractionDeps): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const command = deps.dispatcher.find(interaction.commandName, 'discord');
  const kind = command?.args[focused.name]?.option.autocomplete;
  const typed = String(focused.value);
  const choices =
    kind === 'topics'
      ? suggestTopics(typed, deps.newsroom.topics)
      : kind === 'timezone'
        ? suggestTimezones(typed)
        : [];
  await interaction.respond(choices.map((c) => ({ name: c.name, value: c.value })));
}
