import { describe, expect, it } from 'vitest';
import { MemoryDeskSessions } from '../../../src/adapters/desk/memory-sessions.js';
import { EDITOR } from './harness.js';

const token = {
  hash: 'h1',
  user: EDITOR,
  createdAt: '2022-01-11T00:00:00.000Z',
  expiresAt: '2022-01-11T00:10:00.000Z',
};

describe('MemoryDeskSessions (the DeskSessions contract)', () => {
  it('uses a token once, before it expires; of two uses at once one wins', async () => {
    const sessions = new MemoryDeskSessions();
    await sessions.addSignInToken(token);
    const [a, b] = await Promise.all([
      sessions.useSignInToken('h1', '2022-01-11T00:01:00.000Z'),
      sessions.useSignInToken('h1', '2022-01-11T00:01:00.000Z'),
    ]);
    expect([a.kind, b.kind].sort()).toEqual(['ok', 'used']);
    expect((await sessions.findSignInToken('h1'))?.usedAt).toBe('2022-01-11T00:01:00.000Z');
    await sessions.addSignInToken({ ...token, hash: 'h2' });
    expect((await sessions.useSignInToken('h2', token.expiresAt)).kind).toBe('expired');
    expect((await sessions.useSignInToken('nope', token.createdAt)).kind).toBe('unknown');
  });

  it('keeps sessions until deleted or purged, and one signing key for all', async () => {
    const sessions = new MemoryDeskSessions();
    await sessions.addSession({
      hash: 's',
      user: EDITOR,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
    });
    expect((await sessions.getSession('s'))?.user).toEqual(EDITOR);
    expect(await sessions.deleteSession('s')).toBe(true);
    expect(await sessions.deleteSession('s')).toBe(false);
    await sessions.addSignInToken(token);
    expect(await sessions.purgeDesk(token.expiresAt)).toBe(1);
    expect(await sessions.deskSigningKey('first')).toBe('first');
    expect(await sessions.deskSigningKey('second')).toBe('first');
  });
});
