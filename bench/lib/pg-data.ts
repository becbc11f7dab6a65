/**
 * The data set of the PostgreSQL benchmark (`bench/postgres.ts`): 1,000,000 subscriptions with the
 * time zones, topics and chat kinds of `bench/scale.ts` (its generator, `scaleSubscriptions`) and
 * 200,000 items of about 1.5 kB (`scaleItems`), deterministic from a seed.
 *
 * Every subscription gets a delivery time and record that place it in one of five groups, so that
 * each measurement finds a due set of the size it needs at its own instant, among a million rows
 * that are not due (as in production, where most subscriptions at any minute either had today's
 * digest or are due later today):
 *
 * | group      | share | delivery time, as the local `HH:MM` of an instant in | due at          |
 * |------------|-------|------------------------------------------------------|-----------------|
 * | `drill`    | 2 %   | (NOW − 90 min, NOW − 70 min]                         | {@link DRILL_AT} and later |
 * | `fanout`   | 0.2 % | (NOW − 40 min, NOW − 20 min]                         | {@link FANOUT_AT} and later |
 * | `claim`    | 17.8 % | (NOW − 15 min, NOW]                                 | {@link CLAIM_AT} (= NOW) |
 * | `later`    | 40 %  | (NOW, NOW + 10 h]                                    | never in the bench |
 * | `done`     | 40 %  | (NOW − 5 h, NOW − 60 min], today's digest already had | never in the bench |
 *
 * The due groups are cumulative: at {@link DRILL_AT} 20,000 chats are due, at {@link FANOUT_AT}
 * the drill's and the fan-out's (22,000: a digest of this data set is about 2.7 Telegram messages,
 * so about a minute at L = 1,000), at {@link CLAIM_AT} all three (200,000). Each measurement runs on its own copy of the
 * seeded database, so what one delivers does not change another's due set. The gaps between the
 * windows (30 min after the drill's instant, 5 min after the fan-out's) keep the minute ticks of
 * a run on a running clock from finding the next group due. No due window crosses a local midnight
 * in any of the zones (2026-03-15 20:30–22:00 UTC is 04:30–07:00 in East Asia, 20:30–23:00 in
 * Europe), so a group's local date is one date per zone.
 */
import type { Item } from '../../src/core/items.js';
import type { SubscriptionRecord } from '../../src/core/subscription.js';
import { localDate, localTime, shiftDate } from '../../src/core/time.js';
import { SCALE_NOW, scaleItems, scaleSubscriptions } from './scale-data.js';

export const PG_SUBSCRIPTIONS = 1_000_000;
export const PG_ITEMS = 200_000;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The instant the claim measurement runs at: every `drill`, `fanout` and `claim` subscription is due. */
export const CLAIM_AT = SCALE_NOW;
/** The fan-out's instant: the `drill` and `fanout` groups are due. */
export const FANOUT_AT = new Date(SCALE_NOW.getTime() - 20 * MINUTE_MS);
/** The kill drill's instant: only the `drill` group is due. */
export const DRILL_AT = new Date(SCALE_NOW.getTime() - 70 * MINUTE_MS);

/** Which group subscription `n` is in (every fifth is due at {@link CLAIM_AT}; see the table above). */
export type PgGroup = 'drill' | 'fanout' | 'claim' | 'later' | 'done';

export function groupOf(n: number): PgGroup {
  const r = n % 5;
  if (r === 1 || r === 2) return 'later';
  if (r === 3 || r === 4) return 'done';
  const d = Math.floor(n / 5) % 100;
  return d < 10 ? 'drill' : d === 10 ? 'fanout' : 'claim';
}

/** How many of the first `count` subscriptions are due at each measurement's instant. */
export function dueCounts(count = PG_SUBSCRIPTIONS): { drill: number; fanout: number; claim: number } {
  let drill = 0;
  let fanout = 0;
  let claim = 0;
  for (let n = 0; n < count; n++) {
    const g = groupOf(n);
    if (g === 'drill') drill++;
    else if (g === 'fanout') fanout++;
    else if (g === 'claim') claim++;
  }
  return { drill, fanout: drill + fanout, claim: drill + fanout + claim };
}

/** The window (start exclusive, end inclusive) a group's delivery instants are drawn from. */
const WINDOWS: Readonly<Record<PgGroup, readonly [number, number]>> = {
  drill: [SCALE_NOW.getTime() - 90 * MINUTE_MS, DRILL_AT.getTime()],
  fanout: [SCALE_NOW.getTime() - 40 * MINUTE_MS, FANOUT_AT.getTime()],
  claim: [SCALE_NOW.getTime() - 15 * MINUTE_MS, CLAIM_AT.getTime()],
  later: [SCALE_NOW.getTime(), SCALE_NOW.getTime() + 10 * 60 * MINUTE_MS],
  done: [SCALE_NOW.getTime() - 5 * 60 * MINUTE_MS, SCALE_NOW.getTime() - 60 * MINUTE_MS],
};

/**
 * The fan-out group's digests cover this long before their time, every topic: about 8 items, one
 * Telegram message. A daily digest of this data set is 25 items in about 2.7 messages, and a chat
 * takes one message a second (a group one in 3 s), so with as many deliveries under way as L
 * (`deliveryConcurrency`) such a fan-out goes out at L / 2.7 or less whatever the store; one
 * message per digest measures the store, the engine and the gate at L (the drill keeps daily digests).
 */
const FANOUT_WINDOW_MS = 45 * MINUTE_MS;

/** Local dates and times by zone and minute: formatting a zoned instant is slow, and there are few. */
const localCache = new Map<string, readonly [string, string]>();

function local(minute: number, timezone: string): readonly [string, string] {
  const key = `${timezone} ${minute}`;
  let found = localCache.get(key);
  if (found === undefined) {
    const at = new Date(minute * MINUTE_MS);
    found = [localDate(at, timezone), localTime(at, timezone)];
    localCache.set(key, found);
  }
  return found;
}

/**
 * The subscriptions: `scaleSubscriptions`' chats, zones and topics, each given a delivery time and
 * record by its group (a deterministic minute in its group's window, from its index).
 */
export function* pgSubscriptions(count = PG_SUBSCRIPTIONS): Generator<SubscriptionRecord> {
  let n = 0;
  for (const record of scaleSubscriptions(count)) {
    const group = groupOf(n);
    const [from, to] = WINDOWS[group];
    const minutes = Math.round((to - from) / MINUTE_MS);
    // 1 … minutes after `from`: after the window's start, at or before its end.
    const minute = Math.floor(from / MINUTE_MS) + 1 + ((n * 7919) % minutes);
    const { timezone } = record.settings;
    const [date, time] = local(minute, timezone);
    const instant = new Date(minute * MINUTE_MS);
    // Due groups and later ones had yesterday's digest; `done` had today's, at its time.
    const lastDigestDate = group === 'done' ? date : shiftDate(date, -1);
    const lastRun = new Date(
      instant.getTime() - (group === 'done' ? 0 : group === 'fanout' ? FANOUT_WINDOW_MS : DAY_MS),
    ).toISOString();
    yield {
      settings: { ...record.settings, time, ...(group === 'fanout' && { topics: [] }) },
      delivery: { ...record.delivery, cursor: lastRun, lastDigestDate, lastSentAt: lastRun },
    };
    n++;
  }
}

/** The chat id (as Telegram numbers it) of each subscription of `group`, among the first `count`. */
export function groupChatIds(group: PgGroup | 'due-fanout', count = PG_SUBSCRIPTIONS): number[] {
  const ids: number[] = [];
  let n = 0;
  for (const record of scaleSubscriptions(count)) {
    const g = groupOf(n++);
    if (g === group || (group === 'due-fanout' && (g === 'drill' || g === 'fanout'))) {
      ids.push(Number(record.settings.chat.id));
    }
  }
  return ids;
}

/** The items: `scaleItems`' bodies and topics, 200,000 of them over the 24 months before NOW. */
export function pgItems(count = PG_ITEMS): Generator<Item> {
  return scaleItems(count);
}
