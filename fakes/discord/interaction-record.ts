/**
 * What the fake Discord records for one interaction: every callback, edit and follow-up the bot sent, and
 * the answer the user would finally see.
 */
import { CALLBACK, hasFlag, MESSAGE_FLAG } from './protocol.js';
import type { JsonRecord } from './replies.js';
import { DEFAULT_WAIT_MS, Signal } from './signal.js';
import type {
  FakeMessageBody,
  InteractionCallback,
  InteractionCallbackData,
  InteractOptions,
  SettledAnswer,
} from './types.js';

/**
 * One interaction sent by {@link FakeDiscord.interact} and everything the bot answered to it.
 * Created by the fake; read it in tests.
 */
export class InteractionRecord {
  /** `Date.now()` when the interaction was dispatched. */
  readonly createdAt = Date.now();
  /** Every callback body received, in order (a second one was answered 400 40060 and is not here). */
  readonly callbacks: InteractionCallback[] = [];
  /** Bodies of `PATCH /webhooks/:app/:token/messages/@original`. */
  readonly edits: FakeMessageBody[] = [];
  /** Bodies of `POST /webhooks/:app/:token` (follow-ups). */
  readonly followUps: FakeMessageBody[] = [];
  /** Milliseconds from dispatch to the first callback; more than 3000 means Discord would have refused it. */
  respondedAfterMs: number | null = null;
  /** Whether the original response was deleted. */
  deleted = false;
  /** Id of the original response message (what `@original` refers to). */
  readonly originalMessageId: string;
  private readonly changed = new Signal();

  /** @internal */
  constructor(
    /** The interaction id. */
    readonly id: string,
    /** The interaction token. */
    readonly token: string,
    /** What was sent: a command, an autocomplete request or a modal submit. */
    readonly kind: InteractOptions['kind'],
    /** The INTERACTION_CREATE `d` that was dispatched. */
    readonly payload: JsonRecord,
    originalMessageId: string,
  ) {
    this.originalMessageId = originalMessageId;
  }

  /** @internal The fake calls this when an answer arrived, to wake {@link response} and {@link settled}. */
  notify(): void {
    this.changed.notify();
  }

  /** The first callback body `{ type, data }`, waiting up to `timeoutMs`. */
  response(timeoutMs = DEFAULT_WAIT_MS): Promise<InteractionCallback> {
    return this.changed.wait(
      () => this.callbacks[0],
      timeoutMs,
      () => `the callback of interaction ${this.id}`,
    );
  }

  /**
   * Resolves once the user would see a final answer: a message (type 4, or a deferral followed by an
   * edit or follow-up), a modal (type 9) or autocomplete choices (type 8).
   */
  settled(timeoutMs = DEFAULT_WAIT_MS): Promise<SettledAnswer> {
    return this.changed.wait(
      () => this.answer(),
      timeoutMs,
      () =>
        `a final answer to interaction ${this.id} (callbacks: ${this.callbacks.map((c) => c.type).join(',') || 'none'}, ` +
        `edits: ${this.edits.length}, follow-ups: ${this.followUps.length})`,
    );
  }

  /** The normalized final answer, if there is one yet. */
  answer(): SettledAnswer | undefined {
    const first = this.callbacks[0];
    if (!first) return undefined;
    const data: InteractionCallbackData = first.data ?? {};
    switch (first.type) {
      case CALLBACK.message:
      case CALLBACK.updateMessage:
        return messageAnswer(data, hasFlag(data.flags, MESSAGE_FLAG.ephemeral));
      case CALLBACK.autocompleteResult:
        return { kind: 'autocomplete', ephemeral: false, choices: data.choices ?? [] };
      case CALLBACK.modal:
        return {
          kind: 'modal',
          ephemeral: false,
          modal: {
            custom_id: data.custom_id ?? '',
            title: data.title ?? '',
            components: Array.isArray(data.components) ? data.components : [],
          },
        };
      case CALLBACK.deferredMessage:
      case CALLBACK.deferredUpdate: {
        const later = this.edits[0] ?? this.followUps[0];
        if (!later) return undefined;
        return messageAnswer(
          later,
          hasFlag(data.flags, MESSAGE_FLAG.ephemeral) || hasFlag(later.flags, MESSAGE_FLAG.ephemeral),
        );
      }
      default:
        return undefined;
    }
  }
}

function messageAnswer(body: FakeMessageBody, ephemeral: boolean): SettledAnswer {
  const answer: SettledAnswer = { kind: 'message', ephemeral };
  if (body.content !== undefined) answer.content = body.content;
  if (body.embeds !== undefined) answer.embeds = body.embeds;
  if (body.flags !== undefined) answer.flags = body.flags;
  if (body.allowed_mentions !== undefined) answer.allowed_mentions = body.allowed_mentions;
  if (Array.isArray(body.components)) answer.components = body.components;
  return answer;
}
