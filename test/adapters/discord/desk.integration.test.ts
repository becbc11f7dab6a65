import { afterEach, describe, expect, it } from 'vitest';
import { DeskAuth } from '../../../src/adapters/desk/auth.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { type Harness, startHarness, textOf } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Discord /desk', () => {
  it('answers an editor in a server with a sign-in link only they see, and other members with the editor-only reply', async () => {
    const desk = new DeskAuth({
      sessions: new MemoryStore(),
      publicUrl: 'https://desk.example.org',
      isEditor: () => true,
    });
    h = await startHarness({ desk });
    const answer = await h.command('desk', 'editor');
    expect(answer.ephemeral).toBe(true);
    expect(textOf(answer)).toMatch(/https:\/\/desk\.example\.org\/sign-in\/[0-9a-f]{64}/);
    const member = await h.command('desk', 'member');
    expect(member.ephemeral).toBe(true);
    expect(textOf(member)).not.toContain('sign-in');
  });
});
