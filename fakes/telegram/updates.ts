/**
 * The update queue of the fake Telegram Bot API and its getUpdates long poll: updates wait in a queue until the
 * bot confirms them with a getUpdates `offset`; a poll with a `timeout` is held (at most `maxPollHoldMs`) until
 * an update arrives. Telegram allows one getUpdates at a time: a new one ends the one being held.
 *
 * @see https://core.telegram.org/bots/api#getupdates
 */
import type { ServerResponse } from 'node:http';
import { type Params, paramInt } from './params.js';
import {
  EMPTY_UPDATES,
  type HttpReply,
  okReply,
  POLL_TERMINATED,
  type Reply,
  WEBHOOK_ACTIVE,
  writeReply,
} from './replies.js';
import { MS_PER_SECOND } from './state.js';
import { Waiters } from './waiters.js';

const GET_UPDATES_MAX_LIMIT = 100;
/** Keep the update queue array from growing forever: compact once this many confirmed entries pile up. */
const QUEUE_COMPACT_THRESHOLD = 1_024;

/** An update as queued: `update_id` always set. */
export type Update = Record<string, unknown> & { readonly update_id: number };

interface HeldPoll {
  readonly res: ServerResponse;
  readonly limit: number;
  readonly timer: NodeJS.Timeout;
}

/** What getUpdates needs to know besides its parameters. */
export interface PollContext {
  /** A webhook is set: getUpdates answers 409. */
  readonly webhookActive: boolean;
  /** The fake is stopping: answer at once. */
  readonly stopping: boolean;
}

/** Pending updates, the held long poll, and waits for the bot to consume what was pushed. */
export class UpdateQueue {
  // Entries before `head` were confirmed by a getUpdates offset.
  private queue: Update[] = [];
  private head = 0;
  private nextUpdateId = 1;
  private held: HeldPoll | undefined;
  /** Waits for every pushed update to be confirmed. */
  readonly consumedWaiters = new Waiters<true>();

  constructor(private readonly maxPollHoldMs: number) {}

  /** Updates pushed but not yet confirmed by the bot's getUpdates offset. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Queues an update (assigning `update_id` when missing), answers a held poll; returns the update id. */
  push(update: Readonly<Record<string, unknown>>): number {
    const stored = this.withUpdateId(update);
    this.queue.push(stored);
    this.answerHeldPoll();
    return stored.update_id;
  }

  /** Answers at once, or holds the request (returns undefined) until an update arrives or the hold ends. */
  getUpdates(params: Params, res: ServerResponse, context: PollContext): Reply | undefined {
    if (context.webhookActive) return WEBHOOK_ACTIVE;
    this.confirm(paramInt(params.offset) ?? 0);
    const limit = Math.min(
      Math.max(paramInt(params.limit) ?? GET_UPDATES_MAX_LIMIT, 1),
      GET_UPDATES_MAX_LIMIT,
    );
    // Telegram allows one getUpdates at a time: a new one ends the one being held.
    this.finishHeldPoll(POLL_TERMINATED);
    const batch = this.queue.slice(this.head, this.head + limit);
    const timeoutSeconds = paramInt(params.timeout) ?? 0;
    if (batch.length > 0 || timeoutSeconds <= 0 || context.stopping) return okReply(batch);

    const holdMs = Math.min(timeoutSeconds * MS_PER_SECOND, this.maxPollHoldMs);
    const poll: HeldPoll = {
      res,
      limit,
      timer: setTimeout(() => {
        if (this.held === poll) this.finishHeldPoll(EMPTY_UPDATES);
      }, holdMs),
    };
    this.held = poll;
    res.once('close', () => {
      // The client gave up (telegraf aborts its poll on stop).
      if (this.held !== poll) return;
      clearTimeout(poll.timer);
      this.held = undefined;
    });
    return undefined;
  }

  private confirm(offset: number): void {
    const before = this.head;
    if (offset > 0) {
      while (this.head < this.queue.length && (this.queue[this.head]?.update_id ?? offset) < offset)
        this.head++;
    } else if (offset < 0) {
      // A negative offset keeps only the last -offset updates; all previous ones are forgotten.
      this.head = Math.max(this.head, this.queue.length + offset);
    }
    if (this.head === before) return;
    if (this.head >= QUEUE_COMPACT_THRESHOLD && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.consumedWaiters.size > 0) this.consumedWaiters.notify();
  }

  /** Forgets every pending update (`drop_pending_updates`). */
  drop(): void {
    this.queue = [];
    this.head = 0;
    if (this.consumedWaiters.size > 0) this.consumedWaiters.notify();
  }

  private answerHeldPoll(): void {
    const poll = this.held;
    if (poll === undefined) return;
    this.finishHeldPoll(okReply(this.queue.slice(this.head, this.head + poll.limit)));
  }

  /** Answers the held poll, if any, with `reply`. */
  finishHeldPoll(reply: HttpReply): void {
    const poll = this.held;
    if (poll === undefined) return;
    this.held = undefined;
    clearTimeout(poll.timer);
    if (!poll.res.writableEnded && !poll.res.destroyed) writeReply(poll.res, reply);
  }

  /** `update` with an `update_id`: its own when it has one (later ids follow it), else the next one. */
  withUpdateId(update: Readonly<Record<string, unknown>>): Update {
    const given = update.update_id;
    const id = typeof given === 'number' && Number.isSafeInteger(given) ? given : this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, id + 1);
    return { ...update, update_id: id };
  }
}
