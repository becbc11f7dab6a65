import { describe, expect, it } from 'vitest';
import { FailureLimiter } from '../../../src/adapters/desk/rate-limit.js';

describe('FailureLimiter', () => {
  it('holds a key back after its failures, until the window ends, per key', () => {
    const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 1000, maxKeys: 10 });
    limiter.fail('a', 0);
    expect(limiter.blocked('a', 10)).toBeUndefined();
    limiter.fail('a', 20);
    expect(limiter.blocked('a', 100)).toBe(900);
    expect(limiter.blocked('b', 100)).toBeUndefined();
    expect(limiter.blocked('a', 1000)).toBeUndefined();
  });

  it('remembers at most maxKeys keys, forgetting the oldest', () => {
    const limiter = new FailureLimiter({ maxFailures: 1, windowMs: 1000, maxKeys: 2 });
    for (const key of ['a', 'b', 'c']) limiter.fail(key, 0);
    expect(limiter.blocked('a', 1)).toBeUndefined();
    expect(limiter.blocked('c', 1)).toBe(999);
  });
});
