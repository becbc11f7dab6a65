/**
 * What a Bot API method of the fake may use: the world ({@link TelegramState}), what was recorded, the update
 * queue, injected faults and rate limits. A method is a function of this context and the call's parameters.
 */
import type { Faults } from '../faults.js';
import type { RateLimiter } from '../limits.js';
import type { Params } from '../params.js';
import type { TelegramRecords } from '../records.js';
import type { Reply } from '../replies.js';
import type { TelegramState } from '../state.js';
import type { UpdateQueue } from '../updates.js';

/** The fake's parts, as the methods see them. */
export interface MethodContext {
  readonly state: TelegramState;
  readonly records: TelegramRecords;
  readonly updates: UpdateQueue;
  readonly faults: Faults;
  readonly limits: RateLimiter;
  /** Reject bare `&` and `>` in HTML, as documented (see `FakeTelegramOptions.strictHtml`). */
  readonly strictHtml: boolean;
  /** Keep accepted messages (see `FakeTelegramOptions.recordSent`). */
  readonly recordSent: boolean;
}

/** One Bot API method: validates `params`, changes the context, and answers. */
export type Method = (ctx: MethodContext, params: Params) => Reply;
