import type { Subscription } from '../../src/core/subscription.js';

/** An author for items made in tests. */
export const TEST_AUTHOR = { platform: 'console', id: 'e', name: 'Editor' } as const;

/** A subscription with everything filled in; `key` is `platform:id`. */
export const sampleSub = (key = 'telegram:1', over: Partial<Subscription> = {}): Subscription => {
  const [platform, id] = key.split(':') as ['telegram' | 'discord' | 'console', string];
  return {
    key,
    chat: { platform, id },
    chatKind: 'private',
    topics: [],
    time: '08:00',
    timezone: 'UTC',
    status: 'active',
    createdBy: TEST_AUTHOR,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    startDate: '2026-11-01',
    stats: { sent: 0, failed: 0 },
    ...over,
  };
};
