/**
 * A mistake by the person using the bot. Its message is the whole reply: it names the problem and
 * shows the right form. The dispatcher sends it as is, on every platform; it is never logged as a bug.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /**
   * @param identifier - a stable code for the kind of mistake (`badTime`, `unknownTopic`, …)
   * @param message - the reply shown to the user
   */
  constructor(
    readonly identifier: string,
    message: string,
  ) {
    super(message);
  }
}
