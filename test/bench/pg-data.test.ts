import { describe, expect, it } from 'vitest';
import {
  CLAIM_AT,
  DRILL_AT,
  dueCounts,
  FANOUT_AT,
  groupChatIds,
  groupOf,
  type PgGroup,
  pgSubscriptions,
} from '../../bench/lib/pg-data.js';
import { isDue, scheduleOf } from '../../src/core/subscription.js';

/** The PostgreSQL benchmark's data set: each group is due exactly where its measurement looks. */
describe('bench/lib/pg-data', () => {
  const count = 20_000;
  const records = [...pgSubscriptions(count)];
  const minute = 60_000;
  /** Which groups are due at each instant the benchmark (and a run's minute ticks) looks at. */
  const expected: readonly (readonly [string, Date, readonly PgGroup[]])[] = [
    ['the drill', DRILL_AT, ['drill']],
    ['29 minutes into the drill', new Date(DRILL_AT.getTime() + 29 * minute), ['drill']],
    ['the fan-out', FANOUT_AT, ['drill', 'fanout']],
    ['4 minutes into the fan-out', new Date(FANOUT_AT.getTime() + 4 * minute), ['drill', 'fanout']],
    ['the claim', CLAIM_AT, ['drill', 'fanout', 'claim']],
  ];

  for (const [name, at, groups] of expected) {
    it(`at ${name}, exactly the ${groups.join(', ')} group(s) are due`, () => {
      const wrong = records.filter(
        (r, n) => (isDue(scheduleOf(r), at) !== undefined) !== groups.includes(groupOf(n)),
      );
      expect(wrong.map((r) => r.settings.key).slice(0, 5)).toEqual([]);
    });
  }

  it('sizes the due sets 2 %, 8 % and 20 % of the subscriptions', () => {
    expect(dueCounts(count)).toEqual({ drill: 400, fanout: 1600, claim: 4000 });
    expect(groupChatIds('fanout', count)).toHaveLength(1200);
  });

  it('is the same data set on every run', () => {
    expect([...pgSubscriptions(50)]).toEqual(records.slice(0, 50));
  });
});
