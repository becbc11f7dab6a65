/**
 * Discord's documented payload limits (message.mdx, application-commands.mdx, components reference), as the
 * fake's validation enforces them.
 */

/** The limits, by field. */
export const LIMIT = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  nonce: 25,
  commandName: 32,
  commandDescription: 100,
  chatInputCommands: 100,
  contextMenuCommands: 15,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceStringValue: 100,
  customId: 100,
  modalTitle: 45,
  modalComponents: 5,
} as const;
