import {
  ENGLISH,
  isLanguage,
  type LanguageCode,
  type Translator,
  translatorFor,
} from '../i18n/translator.js';
import { Briefings } from './briefing.js';
import { type ChatId, type ChatKind, type ChatRef, chatKey, PLATFORMS, type UserRef } from './chat.js';
import { type ChatLanguages, StoreChatLanguages } from './chat-language.js';
import type { Clock } from './clock.js';
import { type Command, commandText } from './command.js';
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
import { type LocalDate, localDate } from './time.js';
import type { Topic, TopicCatalog } from './topics.js';
import { Views } from './views.js';

/** Newsroom-wide settings from the configuration. */
export interface NewsroomSettings {
  /** `BRIEFING_TIMEZONE`. */
  readonly timezone: string;
  /** `DEFAULT_DELIVERY_TIME`. */
  readonly defaultDeliveryTime: string;
  /** `DEFAULT_LANGUAGE`: for chats without one whose platform suggests none. @defaultValue `en` */
  readonly defaultLanguage?: LanguageCode;
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
    /** Each chat's language. @defaultValue kept in the store's chat preferences */
    readonly languages: ChatLanguages = new StoreChatLanguages(store),
  ) {
    this.briefings = new Briefings(store, topics, settings.timezone);
    this.digests = new Digests(store, topics, this.briefings);
    this.views = new Views(topics, settings.timezone);
  }

  /** The language for chats without one whose platform suggests none: `DEFAULT_LANGUAGE`. */
  get defaultLanguage(): LanguageCode {
    return this.settings.defaultLanguage ?? 'en';
  }

  /** The translator for posts to `chat` (its digests): its language, or `DEFAULT_LANGUAGE`. */
  async translatorOf(chat: ChatRef): Promise<Translator> {
    return this.translatorIn(await this.languages.languageOf(chat));
  }

  /** The translator for a stored language (a claimed delivery's): that one if Briefcast speaks it, else `DEFAULT_LANGUAGE`. */
  translatorIn(language: string | undefined): Translator {
    return translatorFor(language !== undefined && isLanguage(language) ? language : this.defaultLanguage);
  }

  /** The commands, the topics, and this chat's subscription. */
  async help(
    chat: ChatRef,
    commands: readonly Command[],
    isEditor: boolean,
    now: Date,
    tr: Translator,
  ): Promise<Doc> {
    const entry = (c: Command) => {
      const { usage, description } = commandText(c, tr);
      return tr.t('help.entry', { usage, description });
    };
    const forReaders = commands.filter((c) => c.access !== 'editor');
    const forEditors = commands.filter((c) => c.access === 'editor');
    const sub = await this.store.getSubscription(chatKey(chat));
    return {
      title: tr.t('help.title'),
      blocks: [
        { type: 'list', entries: forReaders.map(entry) },
        ...(isEditor
          ? [
              { type: 'paragraph', text: tr.t('help.editors') } as const,
              { type: 'list', entries: forEditors.map(entry) } as const,
            ]
          : []),
        {
          type: 'paragraph',
          text: tr.t('help.topics', {
            topics: tr.list(this.topics.topics.map((t) => `${t.emoji} ${this.#topicName(t, tr)}`)),
          }),
        },
        sub
          ? this.#subscriptionFields(sub, now, tr)
          : {
              type: 'paragraph',
              text: tr.t('help.noSubscription', {
                time: this.settings.defaultDeliveryTime,
                timezone: this.settings.timezone,
              }),
              style: 'muted',
            },
      ],
    };
  }

  /** A topic as a reader of `tr`'s language types it: `mining`, `挖矿`. */
  #topicName(topic: Topic, tr: Translator): string {
    return topic.translations?.[tr.language]?.aliases[0] ?? topic.slug;
  }

  /** The briefing of `date`; without one, today's, or the latest when today has none yet. */
  async brief(date: LocalDate | undefined, now: Date, tr: Translator): Promise<Doc> {
    const today = localDate(now, this.settings.timezone);
    const day = date ?? today;
    const briefing = await this.briefings.ofDay(day);
    if (briefing) return this.views.briefing(briefing, tr);
    const latest = await this.briefings.latestDay(now);
    if (date === undefined && latest !== undefined) {
      const previous = await this.briefings.ofDay(latest);
      if (previous) return this.views.briefing(previous, tr, tr.t('brief.latestInstead'));
    }
    return textDoc(
      latest
        ? tr.t('brief.noneLatest', { date: tr.date(day), latest })
        : tr.t('brief.noneAtAll', { date: tr.date(day) }),
    );
  }

  /** The latest `count` items on `topic`, newest first. */
  async latestOnTopic(topic: Topic, count: number, now: Date, tr: Translator): Promise<Doc> {
    const page = await this.store.queryItems({ topics: [topic.slug], upTo: now.toISOString(), limit: count });
    const label = this.topics.label(topic.slug, tr);
    if (page.items.length === 0) return textDoc(tr.t('topic.nothing', { topic: label }));
    return {
      title: tr.t('topic.title', { topic: label, shown: page.items.length, total: page.total }),
      blocks: page.items.map((item) => ({ type: 'item', item: this.views.item(item, tr) })),
    };
  }

  /** Every topic with its description, number of items and the date of its latest. */
  async topicsOverview(tr: Translator): Promise<Doc> {
    const stats = await this.store.topicStats();
    return {
      title: tr.t('topics.title'),
      blocks: [
        {
          type: 'list',
          entries: this.topics.topics.map((t) => {
            const s = stats[t.slug];
            const aliases = this.topics.aliases(t, tr);
            return tr.t('topics.entry', {
              name: `${t.emoji} ${t.slug}`,
              aliases: aliases.length > 0 ? tr.t('topics.aliases', { aliases: tr.list(aliases) }) : '',
              description: this.topics.description(t, tr),
              items: tr.t('topics.items', { count: s?.count ?? 0 }),
              latest: s?.latest
                ? tr.t('topics.latest', {
                    date: tr.date(localDate(new Date(s.latest), this.settings.timezone)),
                  })
                : '',
            });
          }),
        },
        { type: 'paragraph', text: tr.t('topics.hint'), style: 'muted' },
      ],
    };
  }

  /** A subscription's settings, counters and next delivery. */
  #subscriptionFields(record: SubscriptionRecord, now: Date, tr: Translator) {
    return this.views.subscriptionFields(record, nextDelivery(scheduleOf(record), now), tr);
  }

  /**
   * Subscribes the chat, or changes its subscription; the reply states the next delivery. Only the
   * settings are written: the delivery record (cursor, counters, a delivery under way) stays.
   */
  async subscribe(
    info: ChatInfo,
    by: UserRef,
    change: SubscriptionChange,
    now: Date,
    tr: Translator,
  ): Promise<Doc> {
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
      ? tr.t('subscribe.created')
      : resumed
        ? tr.t('subscribe.resumed')
        : tr.t('subscribe.updated');
    return {
      title: headline,
      blocks: [
        this.#subscriptionFields(saved, now, tr),
        { type: 'paragraph', text: tr.t('subscribe.hint'), style: 'muted' },
      ],
    };
  }

  /** Stops the chat's digests. */
  async unsubscribe(chat: ChatRef, tr: Translator): Promise<Doc> {
    const removed = await this.store.deleteSubscription(chatKey(chat));
    return textDoc(removed ? tr.t('unsubscribe.done') : tr.t('unsubscribe.none'));
  }

  /**
   * `/language`: with a language, makes it the chat's (its replies and digests) and answers in it;
   * without, says which one the chat speaks and how to change it.
   */
  async language(
    chat: ChatRef,
    wanted: LanguageCode | undefined,
    current: { readonly chosen?: LanguageCode; readonly forReplies: LanguageCode },
    choices: string,
  ): Promise<Doc> {
    if (wanted !== undefined) {
      await this.languages.setLanguage(chat, wanted);
      const tr = translatorFor(wanted);
      return textDoc(tr.t('language.changed', { name: tr.pack.name }));
    }
    const tr = translatorFor(current.forReplies);
    const name = tr.pack.name;
    return {
      blocks: [
        {
          type: 'paragraph',
          text: current.chosen ? tr.t('language.current', { name }) : tr.t('language.fromPlatform', { name }),
        },
        { type: 'paragraph', text: tr.t('language.hint', { choices }), style: 'muted' },
      ],
    };
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
  async settingsOf(chat: ChatRef, now: Date, tr: Translator): Promise<Doc> {
    const sub = await this.store.getSubscription(chatKey(chat));
    if (!sub) {
      return textDoc(
        tr.t('settings.none', { time: this.settings.defaultDeliveryTime, timezone: this.settings.timezone }),
      );
    }
    return {
      title: tr.t('settings.title'),
      blocks: [this.#subscriptionFields(sub, now, tr)],
    };
  }

  /**
   * Adds an item when the draft passes {@link checkDraft}; otherwise returns every problem, field by
   * field (in `tr`'s language), and stores nothing. `/post` and the desk both publish through here.
   */
  async publish(
    draft: ItemDraft,
    author: UserRef,
    now: Date,
    tr: Translator = ENGLISH,
  ): Promise<Result<Item, DraftProblem[]>> {
    const checked = checkDraft(draft, this.topics, tr);
    if (!checked.ok) return checked;
    const at = now.toISOString();
    return ok(await this.store.addItem({ ...checked.value, author, publishedAt: at, updatedAt: at }));
  }

  /**
   * Replaces an item's fields, keeping its id, author and publication time, when the draft passes
   * {@link checkDraft}; `undefined` when there is no item `id`. `/edit` and the desk both go through here.
   */
  async revise(
    id: number,
    draft: ItemDraft,
    now: Date,
    tr: Translator = ENGLISH,
  ): Promise<Result<Item, DraftProblem[]> | undefined> {
    const existing = await this.store.getItem(id);
    if (!existing) return undefined;
    const checked = checkDraft(draft, this.topics, tr);
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
   * @throws UsageError naming every problem with the draft, in `tr`'s language
   */
  async addItem(draft: ItemDraft, author: UserRef, now: Date, tr: Translator): Promise<Item> {
    const published = await this.publish(draft, author, now, tr);
    if (!published.ok) throw invalidItem(published.error);
    return published.value;
  }

  /** Adds an item; the reply shows it as readers will see it, with its id. */
  async post(draft: ItemDraft, author: UserRef, now: Date, tr: Translator): Promise<Doc> {
    const item = await this.addItem(draft, author, now, tr);
    return {
      title: tr.t('post.title', { id: item.id, topic: this.topics.label(item.topic, tr) }),
      blocks: [
        { type: 'item', item: this.views.item(item, tr), showId: true },
        { type: 'paragraph', text: tr.t('post.hint', { id: item.id }), style: 'muted' },
      ],
    };
  }

  /** Replaces an item's fields, keeping its id, author and publication time. */
  async edit(id: number, draft: ItemDraft, now: Date, tr: Translator): Promise<Doc> {
    const revised = await this.revise(id, draft, now, tr);
    if (!revised) throw new UsageError('unknownItem', tr.t('item.unknown', { id }));
    if (!revised.ok) throw invalidItem(revised.error);
    const item = revised.value;
    return {
      title: tr.t('edit.title', { id: item.id }),
      blocks: [{ type: 'item', item: this.views.item(item, tr), showId: true }],
    };
  }

  /** Removes an item. */
  async delete(id: number, tr: Translator): Promise<Doc> {
    const item = await this.store.deleteItem(id);
    if (!item) throw new UsageError('unknownItem', tr.t('item.unknown', { id }));
    return textDoc(tr.t('delete.done', { id, headline: item.headline }));
  }

  /** The digest this chat would get now, without moving its cursor (all topics when not subscribed). */
  async digestPreview(chat: ChatRef, now: Date, tr: Translator): Promise<Doc> {
    const record = await this.store.getSubscription(chatKey(chat));
    const cursor = record?.delivery.cursor;
    const digest = await this.digests.select(
      { topics: record?.settings.topics ?? [], ...(cursor !== undefined && { cursor }) },
      now,
    );
    if (!digest) {
      return textDoc(
        record && cursor
          ? tr.t('digest.nothingSince', { since: tr.instant(new Date(cursor), record.settings.timezone) })
          : tr.t('digest.nothingYet'),
      );
    }
    const doc = this.views.digest(digest, tr);
    return { ...doc, title: tr.t('digest.preview', { title: doc.title ?? '' }) };
  }

  /** Subscriptions by platform and status, items by topic, the last delivery runs (newest first). */
  async stats(tr: Translator): Promise<Doc> {
    const counts = await this.store.subscriptionCounts();
    const topicStats = await this.store.topicStats();
    const runs = [...(await this.store.recentRuns(STATS_RUNS))].reverse();
    let total = 0;
    const subEntries = PLATFORMS.flatMap((platform) => {
      const c = counts[platform];
      if (!c || c.active + c.paused === 0) return [];
      total += c.active + c.paused;
      return [
        [tr.t(`platforms.${platform}`), tr.t('stats.platform', { active: c.active, paused: c.paused })] as [
          string,
          string,
        ],
      ];
    });
    const runEntries = runs.map((run) =>
      tr.t('stats.run', {
        at: tr.instant(new Date(run.startedAt), this.settings.timezone),
        due: run.due,
        sent: run.sent,
        empty: run.empty,
        failed: run.failed,
        paused: run.paused,
        seconds: (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000,
      }),
    );
    return {
      title: tr.t('stats.title'),
      blocks: [
        { type: 'paragraph', text: tr.t('stats.subscriptions', { count: total }) },
        ...(subEntries.length > 0 ? [{ type: 'fields', entries: subEntries } as const] : []),
        {
          type: 'paragraph',
          text: tr.t('stats.items', { count: Object.values(topicStats).reduce((n, s) => n + s.count, 0) }),
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
              { type: 'paragraph', text: tr.t('stats.runs') } as const,
              { type: 'list', entries: runEntries } as const,
            ]
          : [{ type: 'paragraph', text: tr.t('stats.noRun') } as const]),
      ],
    };
  }
}
