import { Briefings } from './briefing.js';
import { type ChatId, type ChatKind, type ChatRef, chatKey, PLATFORMS, type UserRef } from './chat.js';
import type { Clock } from './clock.js';
import type { Command } from './command.js';
import { Digests } from './digest.js';
import { type Doc, textDoc } from './document.js';
import { UsageError } from './errors.js';
import { checkDraft, type DraftProblem, type Item, type ItemDraft } from './items.js';
import { ok, type Result } from './result.js';
import type { Store } from './store.js';
import {
  firstDeliveryDate,
  NO_DELIVERY,
  nextDelivery,
  type Subscription,
  type SubscriptionRecord,
  scheduleOf,
} from './subscription.js';
import { describeDate, describeInstant, type LocalDate, localDate } from './time.js';
import type { Topic, TopicCatalog } from './topics.js';
import { Views } from './views.js';

/** Newsroom-wide settings from the configuration. */
export interface NewsroomSettings {
  /** `BRIEFING_TIMEZONE`. */
  readonly timezone: string;
  /** `DEFAULT_DELIVERY_TIME`. */
  readonly defaultDeliveryTime: string;
}

/** The chat a command came from. */
export interface ChatInfo {
  readonly chat: ChatRef;
  readonly kind: ChatKind;
  readonly title?: string;
}

/** Changes asked of a subscription; what is absent keeps its value (or takes the default when new). */
export interface SubscriptionChange {
  readonly topics?: readonly string[];
  readonly time?: string;
  readonly timezone?: string;
}

/** A chat reply to a draft that failed {@link checkDraft}: every problem, in one message. */
function invalidItem(problems: readonly DraftProblem[]): UsageError {
  return new UsageError('invalidItem', problems.map((p) => p.message).join(' '));
}

/** Delivery runs `/stats` lists, newest first. */
export const STATS_RUNS = 3;

/** Latest items shown by `/topic` when no count is given, and the most it shows. */
export const TOPIC_DEFAULT_COUNT = 5;
export const TOPIC_MAX_COUNT = 10;

/**
 * The newsroom: every reader and editor operation, returning the reply as a {@link Doc}. Knows
 * nothing of platforms; commands call it, adapters render what it returns.
 */
export class Newsroom {
  readonly briefings: Briefings;
  readonly digests: Digests;
  readonly views: Views;

  constructor(
    readonly store: Store,
    readonly topics: TopicCatalog,
    readonly settings: NewsroomSettings,
    readonly clock: Clock,
  ) {
    this.briefings = new Briefings(store, topics, settings.timezone);
    this.digests = new Digests(store, topics, this.briefings);
    this.views = new Views(topics, settings.timezone);
  }

  /** The commands, the topics, and this chat's subscription. */
  async help(chat: ChatRef, commands: readonly Command[], isEditor: boolean, now: Date): Promise<Doc> {
    const forReaders = commands.filter((c) => c.access !== 'editor');
    const forEditors = commands.filter((c) => c.access === 'editor');
    const sub = await this.store.getSubscription(chatKey(chat));
    return {
      title: 'Briefcast — your daily briefing on China’s blockchain beat',
      blocks: [
        { type: 'list', entries: forReaders.map((c) => `${c.usage} — ${c.description}`) },
        ...(isEditor
          ? [
              { type: 'paragraph', text: 'Editor commands:' } as const,
              { type: 'list', entries: forEditors.map((c) => `${c.usage} — ${c.description}`) } as const,
            ]
          : []),
        {
          type: 'paragraph',
          text: `Topics: ${this.topics.topics.map((t) => `${t.emoji} ${t.slug}`).join(', ')}.`,
        },
        sub
          ? this.#subscriptionFields(sub, now)
          : {
              type: 'paragraph',
              text: `This chat has no subscription. /subscribe sends a digest every day at ${this.settings.defaultDeliveryTime} (${this.settings.timezone}).`,
              style: 'muted',
            },
      ],
    };
  }

  /** The briefing of `date`; without one, today's, or the latest when today has none yet. */
  async brief(date: LocalDate | undefined, now: Date): Promise<Doc> {
    const today = localDate(now, this.settings.timezone);
    const day = date ?? today;
    const briefing = await this.briefings.ofDay(day);
    if (briefing) return this.views.briefing(briefing);
    const latest = await this.briefings.latestDay(now);
    if (date === undefined && latest !== undefined) {
      const previous = await this.briefings.ofDay(latest);
      if (previous) return this.views.briefing(previous, `Nothing yet today; this is the latest briefing.`);
    }
    const hint = latest
      ? ` The latest briefing is ${latest}: /brief ${latest}`
      : ' Nothing has been published yet.';
    return textDoc(`No briefing for ${describeDate(day)}.${hint}`);
  }

  /** The latest `count` items on `topic`, newest first. */
  async latestOnTopic(topic: Topic, count: number, now: Date): Promise<Doc> {
    const page = await this.store.queryItems({ topics: [topic.slug], upTo: now.toISOString(), limit: count });
    if (page.items.length === 0) return textDoc(`Nothing on ${topic.emoji} ${topic.title} yet.`);
    return {
      title: `${topic.emoji} ${topic.title} — latest ${page.items.length} of ${page.total}`,
      blocks: page.items.map((item) => ({ type: 'item', item: this.views.item(item) })),
    };
  }

  /** Every topic with its description, number of items and the date of its latest. */
  async topicsOverview(): Promise<Doc> {
    const stats = await this.store.topicStats();
    return {
      title: 'Topics',
      blocks: [
        {
          type: 'list',
          entries: this.topics.topics.map((t) => {
            const s = stats[t.slug];
            const latest = s?.latest
              ? `, latest ${describeDate(localDate(new Date(s.latest), this.settings.timezone))}`
              : '';
            const aliases = t.aliases.length > 0 ? ` (also: ${t.aliases.join(', ')})` : '';
            return `${t.emoji} ${t.slug}${aliases} — ${t.description} ${s?.count ?? 0} ${s?.count === 1 ? 'item' : 'items'}${latest}.`;
          }),
        },
        { type: 'paragraph', text: 'Read one with /topic <topic> [count].', style: 'muted' },
      ],
    };
  }

  /** A subscription's settings, counters and next delivery. */
  #subscriptionFields(record: SubscriptionRecord, now: Date) {
    return this.views.subscriptionFields(record, nextDelivery(scheduleOf(record), now));
  }

  /**
   * Subscribes the chat, or changes its subscription; the reply states the next delivery. Only the
   * settings are written: the delivery record (cursor, counters, a delivery under way) stays.
   */
  async subscribe(info: ChatInfo, by: UserRef, change: SubscriptionChange, now: Date): Promise<Doc> {
    const key = chatKey(info.chat);
    const record = await this.store.getSubscription(key);
    const existing = record?.settings;
    const at = now.toISOString();
    const time = change.time ?? existing?.time ?? this.settings.defaultDeliveryTime;
    const timezone = change.timezone ?? existing?.timezone ?? this.settings.timezone;
    const topics = change.topics ?? existing?.topics ?? [];
    const moved = !existing || time !== existing.time || timezone !== existing.timezone;
    const resumed = existing?.status === 'paused';
    const base: Subscription = existing ?? {
      key,
      chat: info.chat,
      chatKind: info.kind,
      topics,
      time,
      timezone,
      status: 'active',
      createdBy: by,
      createdAt: at,
      updatedAt: at,
      startDate: firstDeliveryDate(time, timezone, now),
    };
    const { pausedReason: _cleared, ...rest } = base;
    const sub: Subscription = {
      ...rest,
      // The chat as the command names it now (a Discord channel's server included).
      chat: info.chat,
      chatKind: info.kind,
      ...(info.title !== undefined && { chatTitle: info.title }),
      topics,
      time,
      timezone,
      status: 'active',
      updatedAt: at,
      startDate: moved ? firstDeliveryDate(time, timezone, now) : base.startDate,
    };
    await this.store.saveSubscription(sub);
    const saved: SubscriptionRecord = { settings: sub, delivery: record?.delivery ?? NO_DELIVERY };
    const headline = !existing
      ? 'Subscribed. This chat will get a digest every day.'
      : resumed
        ? 'Subscription resumed.'
        : 'Subscription updated.';
    return {
      title: headline,
      blocks: [
        this.#subscriptionFields(saved, now),
        {
          type: 'paragraph',
          text: 'Change it with /subscribe [topics…] [HH:MM] [timezone]; stop it with /unsubscribe.',
          style: 'muted',
        },
      ],
    };
  }

  /** Stops the chat's digests. */
  async unsubscribe(chat: ChatRef): Promise<Doc> {
    const removed = await this.store.deleteSubscription(chatKey(chat));
    return removed
      ? textDoc('Unsubscribed: this chat will get no more digests. /subscribe starts them again.')
      : textDoc('This chat has no subscription, so there is nothing to stop. /subscribe starts one.');
  }

  /**
   * Pauses every subscription of the chat (each forum topic's too) because the platform says the
   * bot cannot reach it (blocked, removed). Returns the keys of those it paused (not those already
   * paused).
   */
  async pauseChat(chat: ChatId, reason: string, now: Date): Promise<string[]> {
    return this.#pause(await this.store.chatSubscriptions(chat), reason, now);
  }

  /**
   * Pauses every subscription of the chats in a Discord server the bot was removed from (or that was
   * deleted). Returns the keys of those it paused.
   */
  async pauseGuild(guild: string, reason: string, now: Date): Promise<string[]> {
    return this.#pause(await this.store.guildSubscriptions(guild), reason, now);
  }

  async #pause(records: readonly SubscriptionRecord[], reason: string, now: Date): Promise<string[]> {
    const paused: string[] = [];
    for (const { settings } of records) {
      if (await this.store.pauseSubscription(settings.key, reason, now.toISOString()))
        paused.push(settings.key);
    }
    return paused;
  }

  /**
   * Moves a chat's subscriptions to its new id (a Telegram group upgraded to a supergroup), with
   * the store's one rule: where the new chat has its own subscription, that one is kept. Returns
   * whether the old chat had any.
   */
  async moveSubscription(from: ChatId, to: ChatId, now: Date): Promise<boolean> {
    return (await this.store.moveChat(from, to, now.toISOString())).length > 0;
  }

  /** The chat's subscription and its next delivery, or how to subscribe. */
  async settingsOf(chat: ChatRef, now: Date): Promise<Doc> {
    const sub = await this.store.getSubscription(chatKey(chat));
    if (!sub) {
      return textDoc(
        `This chat has no subscription. /subscribe [topics…] [HH:MM] [timezone] starts one; the defaults are all topics at ${this.settings.defaultDeliveryTime} ${this.settings.timezone}.`,
      );
    }
    return {
      title: 'This chat’s subscription',
      blocks: [this.#subscriptionFields(sub, now)],
    };
  }

  /**
   * Adds an item when the draft passes {@link checkDraft}; otherwise returns every problem, field by
   * field, and stores nothing. `/post` and the desk both publish through here.
   */
  async publish(draft: ItemDraft, author: UserRef, now: Date): Promise<Result<Item, DraftProblem[]>> {
    const checked = checkDraft(draft, this.topics);
    if (!checked.ok) return checked;
    const at = now.toISOString();
    return ok(await this.store.addItem({ ...checked.value, author, publishedAt: at, updatedAt: at }));
  }

  /**
   * Replaces an item's fields, keeping its id, author and publication time, when the draft passes
   * {@link checkDraft}; `undefined` when there is no item `id`. `/edit` and the desk both go through here.
   */
  async revise(id: number, draft: ItemDraft, now: Date): Promise<Result<Item, DraftProblem[]> | undefined> {
    const existing = await this.store.getItem(id);
    if (!existing) return undefined;
    const checked = checkDraft(draft, this.topics);
    if (!checked.ok) return checked;
    const { sourceName: _n, sourceUrl: _u, ...kept } = existing;
    const item: Item = { ...kept, ...checked.value, updatedAt: now.toISOString() };
    // Deleted in the meantime (by another editor): say so rather than bring it back.
    if (!(await this.store.replaceItem(item))) return undefined;
    return ok(item);
  }

  /**
   * Adds an item, validated as `/post` validates it: the one way items are made, by `/post`, the
   * wire's Publish and the desk (through {@link publish}).
   * @throws UsageError naming every problem with the draft
   */
  async addItem(draft: ItemDraft, author: UserRef, now: Date): Promise<Item> {
    const published = await this.publish(draft, author, now);
    if (!published.ok) throw invalidItem(published.error);
    return published.value;
  }

  /** Adds an item; the reply shows it as readers will see it, with its id. */
  async post(draft: ItemDraft, author: UserRef, now: Date): Promise<Doc> {
    const item = await this.addItem(draft, author, now);
    return {
      title: `Posted #${item.id} in ${this.topics.label(item.topic)}`,
      blocks: [
        { type: 'item', item: this.views.item(item), showId: true },
        {
          type: 'paragraph',
          text: `Correct it with /edit ${item.id}, remove it with /delete ${item.id}.`,
          style: 'muted',
        },
      ],
    };
  }

  /** Replaces an item's fields, keeping its id, author and publication time. */
  async edit(id: number, draft: ItemDraft, now: Date): Promise<Doc> {
    const revised = await this.revise(id, draft, now);
    if (!revised) throw new UsageError('unknownItem', `There is no item #${id}.`);
    if (!revised.ok) throw invalidItem(revised.error);
    const item = revised.value;
    return {
      title: `Updated #${item.id}`,
      blocks: [{ type: 'item', item: this.views.item(item), showId: true }],
    };
  }

  /** Removes an item. */
  async delete(id: number): Promise<Doc> {
    const item = await this.store.deleteItem(id);
    if (!item) throw new UsageError('unknownItem', `There is no item #${id}.`);
    return textDoc(`Deleted #${id}: ${item.headline}`);
  }

  /** The digest this chat would get now, without moving its cursor (all topics when not subscribed). */
  async digestPreview(chat: ChatRef, now: Date): Promise<Doc> {
    const record = await this.store.getSubscription(chatKey(chat));
    const cursor = record?.delivery.cursor;
    const digest = await this.digests.select(
      { topics: record?.settings.topics ?? [], ...(cursor !== undefined && { cursor }) },
      now,
    );
    if (!digest) {
      return textDoc(
        record && cursor
          ? `Nothing new since the last digest (${describeInstant(new Date(cursor), record.settings.timezone)}), so a digest now would not be sent.`
          : 'Nothing has been published yet, so a digest now would not be sent.',
      );
    }
    const doc = this.views.digest(digest);
    return { ...doc, title: `Preview: ${doc.title ?? 'digest'} (the delivery cursor did not move)` };
  }

  /** Subscriptions by platform and status, items by topic, the last delivery runs (newest first). */
  async stats(): Promise<Doc> {
    const counts = await this.store.subscriptionCounts();
    const topicStats = await this.store.topicStats();
    const runs = [...(await this.store.recentRuns(STATS_RUNS))].reverse();
    let total = 0;
    const subEntries = PLATFORMS.flatMap((platform) => {
      const c = counts[platform];
      if (!c || c.active + c.paused === 0) return [];
      total += c.active + c.paused;
      return [[platform, `${c.active} active, ${c.paused} paused`] as [string, string]];
    });
    const runEntries = runs.map(
      (run) =>
        `${describeInstant(new Date(run.startedAt), this.settings.timezone)}: ${run.due} due, ${run.sent} sent, ${run.empty} with nothing new, ${run.failed} failed, ${run.paused} paused, ${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s.`,
    );
    return {
      title: 'Briefcast stats',
      blocks: [
        { type: 'paragraph', text: `Subscriptions: ${total}` },
        ...(subEntries.length > 0 ? [{ type: 'fields', entries: subEntries } as const] : []),
        {
          type: 'paragraph',
          text: `Items: ${Object.values(topicStats).reduce((n, s) => n + s.count, 0)}`,
        },
        {
          type: 'fields',
          entries: this.topics.topics.map((t) => [
            `${t.emoji} ${t.slug}`,
            String(topicStats[t.slug]?.count ?? 0),
          ]),
        },
        ...(runEntries.length > 0
          ? [
              { type: 'paragraph', text: 'Last delivery runs:' } as const,
              { type: 'list', entries: runEntries } as const,
            ]
          : [{ type: 'paragraph', text: 'No delivery run yet.' } as const]),
      ],
    };
  }
}
