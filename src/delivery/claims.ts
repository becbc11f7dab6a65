import type { ChatId, Platform } from '../core/chat.js';
import type { ClaimedDelivery, DueCutoff, SubscriptionStore } from '../core/store.js';
import type { DeliveryProgress } from '../core/subscription.js';
import type { LocalDate } from '../core/time.js';

/** How long a claim holds before another worker may take the delivery over. */
export const DEFAULT_CLAIM_LEASE_MS = 10 * 60 * 1000;
/**
 * A failed delivery is not claimed again until this long after the start of its run: not by that
 * run's next pages (which would retry it at once), but by the next minute's tick. Half a minute, so
 * the next tick is past it even when it starts a little early.
 */
export const RETRY_AFTER_FAILURE_MS = 30_000;

/** What moving a claimed subscription to a chat's new id came to. */
export type MoveResult =
  /** Moved: the delivery (still claimed by us) under its new key. */
  | { readonly kind: 'moved'; readonly claimed: ClaimedDelivery }
  /** The new chat already had a subscription of its own; the old one was removed. */
  | { readonly kind: 'merged' }
  /** The claim was lost meanwhile (unsubscribed, or taken over); nothing was changed. */
  | { readonly kind: 'lost' };

/**
 * The delivery bookkeeping on the store, for one worker (`owner`): claim due deliveries a page at a
 * time, record each outcome after. Every record goes through the store's compare-and-set
 * operations, so nothing is recorded for a claim this worker no longer holds, and every outcome also
 * releases the claim.
 */
export class Claims {
  /** Claims taken before this instant (ms) count as lapsed; see {@link takeOver}. */
  #lapsedBefore: number | undefined;

  constructor(
    private readonly store: SubscriptionStore,
    /** This process's id (random per start). */
    readonly owner: string,
    private readonly leaseMs: number = DEFAULT_CLAIM_LEASE_MS,
  ) {}

  /**
   * This worker took the lead at `at` (several processes on one database, one delivering at a time):
   * whoever held claims taken before then has stepped down or died, so those claims count as lapsed
   * now rather than when their lease ends. The store's rule is unchanged: the claims are asked for
   * with `now` at least `at + lease - 1 ms`, when every claim taken before `at` has lapsed and every
   * claim taken since (this worker's own) is live. Failures recorded meanwhile are retried from that
   * instant on, so a run never claims again a delivery it just gave up on.
   */
  takeOver(at: Date): void {
    this.#lapsedBefore = at.getTime();
  }

  /** The instant claims are judged at: `now`, or later just after a takeover (see {@link takeOver}). */
  #judgedAt(now: Date): Date {
    const lapsed = this.#lapsedBefore;
    if (lapsed === undefined) return now;
    return new Date(Math.max(now.getTime(), lapsed + this.leaseMs - 1));
  }

  /** Claims the next page of up to `limit` deliveries due under `cutoffs` on `platform`; empty when none is left. */
  page(
    cutoffs: readonly DueCutoff[],
    platform: Platform,
    limit: number,
    now: Date,
  ): Promise<readonly ClaimedDelivery[]> {
    return this.store.claimDue({
      cutoffs,
      platforms: [platform],
      owner: this.owner,
      expiresAt: new Date(now.getTime() + this.leaseMs).toISOString(),
      now: this.#judgedAt(now).toISOString(),
      limit,
    });
  }

  /** Parts of a multi-part digest went out; a retry resumes after them. */
  progress(key: string, progress: DeliveryProgress): Promise<boolean> {
    return this.store.recordProgress(key, this.owner, progress);
  }

  /** The digest went out: the day is done and the cursor moves to the end of its window. */
  sent(key: string, date: LocalDate, upTo: string, now: Date): Promise<boolean> {
    return this.store.finishDelivery(key, this.owner, { kind: 'sent', date, upTo, at: now.toISOString() });
  }

  /** Nothing new to send: the day is done without a message. */
  empty(key: string, date: LocalDate, upTo: string): Promise<boolean> {
    return this.store.finishDelivery(key, this.owner, { kind: 'empty', date, upTo });
  }

  /** The chat cannot be reached: paused with the reason until someone runs /subscribe there. */
  paused(key: string, reason: string, now: Date): Promise<boolean> {
    return this.store.pauseSubscription(key, reason, now.toISOString(), this.owner);
  }

  /** Gave up for this run: counted, and retried by the next tick ({@link RETRY_AFTER_FAILURE_MS} after `runStart`). */
  failed(key: string, reason: string, runStart: Date): Promise<boolean> {
    const retryAt = new Date(this.#judgedAt(runStart).getTime() + RETRY_AFTER_FAILURE_MS).toISOString();
    return this.store.finishDelivery(key, this.owner, { kind: 'failed', reason, retryAt });
  }

  /** Stopped before sending (shutdown): the claim is released, nothing else changes. */
  release(key: string): Promise<boolean> {
    return this.store.finishDelivery(key, this.owner, { kind: 'released' });
  }

  /**
   * The chat moved (a Telegram group became a supergroup): the store moves its subscriptions to the
   * new chat ({@link SubscriptionStore.moveChat}: the new chat's own subscription, if any, wins),
   * keeping this worker's claim, so the delivery goes on there.
   */
  async move(claimed: ClaimedDelivery, to: ChatId, now: Date): Promise<MoveResult> {
    const key = claimed.settings.key;
    const current = await this.store.getSubscription(key);
    if (current?.delivery.claim?.owner !== this.owner) return { kind: 'lost' };
    const moves = await this.store.moveChat(current.settings.chat, to, now.toISOString());
    const mine = moves.find((m) => m.from === key);
    if (mine?.kind === 'merged') return { kind: 'merged' };
    const moved = mine && (await this.store.getSubscription(mine.to));
    if (moved?.delivery.claim?.owner !== this.owner) return { kind: 'lost' };
    return { kind: 'moved', claimed: { ...moved, date: claimed.date, language: claimed.language } };
  }
}
