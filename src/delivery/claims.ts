import { type ChatRef, chatKey } from '../core/chat.js';
import type { SubscriptionStore } from '../core/store.js';
import type { DeliveryProgress, Subscription } from '../core/subscription.js';
import type { LocalDate } from '../core/time.js';

/** How long a claim holds before another worker may take the delivery over. */
export const DEFAULT_CLAIM_LEASE_MS = 10 * 60 * 1000;

/** What moving a claimed subscription to a chat's new id came to. */
export type MoveResult =
  /** Moved: the subscription (still claimed by us) under its new key. */
  | { readonly kind: 'moved'; readonly sub: Subscription }
  /** The new chat already had a subscription of its own; the old one was removed. */
  | { readonly kind: 'merged' }
  /** The claim was lost meanwhile (unsubscribed, or taken over); nothing was changed. */
  | { readonly kind: 'lost' };

/**
 * The delivery bookkeeping on the store, for one worker (`owner`): claim a subscription before its
 * digest is sent, record the outcome after. Every record goes through the store's compare-and-set
 * operations, so nothing is recorded for a claim this worker no longer holds, and every record also
 * releases the claim.
 */
export class Claims {
  constructor(
    private readonly store: SubscriptionStore,
    /** This process's id (random per start). */
    readonly owner: string,
    private readonly leaseMs: number = DEFAULT_CLAIM_LEASE_MS,
  ) {}

  /** Claims the delivery of `date`; `undefined` when it is no longer due or someone else holds it. */
  take(key: string, date: LocalDate, now: Date): Promise<Subscription | undefined> {
    const expiresAt = new Date(now.getTime() + this.leaseMs).toISOString();
    return this.store.claimDelivery(key, { date, owner: this.owner, expiresAt }, now.toISOString());
  }

  /** Parts of a multi-part digest went out; a retry resumes after them. */
  progress(key: string, progress: DeliveryProgress): Promise<boolean> {
    return this.store.recordProgress(key, this.owner, progress);
  }

  /** The digest went out: the day is done and the cursor moves to the end of its window. */
  sent(sub: Subscription, date: LocalDate, upTo: string, now: Date): Promise<boolean> {
    return this.store.finishDelivery(sub.key, this.owner, {
      lastDigestDate: date,
      cursor: upTo,
      progress: undefined,
      stats: { ...sub.stats, sent: sub.stats.sent + 1, lastSentAt: now.toISOString() },
    });
  }

  /** Nothing new to send: the day is done without a message. */
  empty(sub: Subscription, date: LocalDate, upTo: string): Promise<boolean> {
    return this.store.finishDelivery(sub.key, this.owner, {
      lastDigestDate: date,
      cursor: upTo,
      progress: undefined,
    });
  }

  /** The chat cannot be reached: paused with the reason until someone runs /subscribe there. */
  paused(sub: Subscription, reason: string, now: Date): Promise<boolean> {
    return this.store.finishDelivery(sub.key, this.owner, {
      status: 'paused',
      pausedReason: reason,
      updatedAt: now.toISOString(),
      stats: { ...sub.stats, lastError: reason },
    });
  }

  /** Gave up for this tick: the claim is released and the next tick tries again. */
  failed(sub: Subscription, reason: string): Promise<boolean> {
    return this.store.finishDelivery(sub.key, this.owner, {
      stats: { ...sub.stats, failed: sub.stats.failed + 1, lastError: reason },
    });
  }

  /** Stopped before sending (shutdown): the claim is released, nothing else changes. */
  release(sub: Subscription): Promise<boolean> {
    return this.store.finishDelivery(sub.key, this.owner, {});
  }

  /**
   * The chat moved (a Telegram group became a supergroup): the subscription is saved under the new
   * chat's key — keeping this worker's claim, so the delivery goes on there — and the old key is
   * deleted. When the new chat already has a subscription, that one stays and the old one goes.
   */
  async move(sub: Subscription, to: ChatRef, now: Date): Promise<MoveResult> {
    const current = await this.store.getSubscription(sub.key);
    if (current?.claim?.owner !== this.owner) return { kind: 'lost' };
    const key = chatKey(to);
    if (key === current.key) return { kind: 'moved', sub: current };
    if (await this.store.getSubscription(key)) {
      await this.store.deleteSubscription(current.key);
      return { kind: 'merged' };
    }
    const moved: Subscription = { ...current, key, chat: to, updatedAt: now.toISOString() };
    // Save first, then delete: a crash in between leaves two subscriptions, never none.
    await this.store.saveSubscription(moved);
    await this.store.deleteSubscription(current.key);
    return { kind: 'moved', sub: moved };
  }
}
