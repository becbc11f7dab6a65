import { type ChatRef, chatKey } from '../../src/core/chat.js';
import type { Subscription } from '../../src/core/subscription.js';

/** An author for items made in tests. */
export const TEST_AUTHOR = { platform: 'console', id: 'e', name: 'Editor' } as const;

/** An active subscription of `chat` (all topics, 08:00 UTC, started 2022-01-10) with `over` applied. */
export function subscriptionFor(chat: ChatRef, over: Partial<Subscription> = {}): Subscription {
  return {
    key: chatKey(chat),
    chat,
    chatKind: 'private',
    topics: [],
    time: '08:00',
    timezone: 'UTC',
    status: 'active',
    createdBy: TEST_AUTHOR,
    createdAt: '2022-01-10T00:00:00.000Z',
    updatedAt: '2022-01-10T00:00:00.000Z',
    startDate: '2022-01-10',
    stats: { sent: 0, failed: 0 },
    ...over,
  };
}

/** A subscription keyed `platform:id` (e.g. `telegram:1`), started 2026-11-01, with `over` applied. */
export function sampleSub(key = 'telegram:1', over: Partial<Subscription> = {}): Subscription {
  const [platform, id] = key.split(':') as [ChatRef['platform'], string];
  return subscriptionFor(
    { platform, id },
    {
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
      startDate: '2026-11-01',
      ...over,
    },
  );
}
