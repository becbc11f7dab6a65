import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { commandText, defineCommand } from '../../src/core/command.js';
import { commandProblems } from '../../src/core/command-rules.js';
import { ENGLISH, translators } from '../../src/i18n/translator.js';

const PRODUCT_COMMANDS = [
  'start',
  'help',
  'brief',
  'topic',
  'topics',
  'subscribe',
  'unsubscribe',
  'settings',
  'language',
  'post',
  'edit',
  'delete',
  'digest',
  'stats',
  'feed',
  'wire',
  'desk',
];

describe('the command index', () => {
  it('lists every command of the product, once', () => {
    expect(commands.map((c) => c.name).sort()).toEqual([...PRODUCT_COMMANDS].sort());
  });

  it('satisfies both platforms’ naming rules', () => {
    expect(commandProblems(commands)).toEqual([]);
  });

  it('gives every command a Telegram, a console and (but /start) a Discord form', () => {
    for (const c of commands) {
      const platforms = c.platforms ?? ['telegram', 'discord', 'console'];
      if (c.name === 'start') expect(platforms).toEqual(['telegram']);
      else expect(platforms).toEqual(['telegram', 'discord', 'console']);
      for (const tr of translators()) expect(commandText(c, tr).usage.startsWith(`/${c.name}`)).toBe(true);
    }
  });

  it('refuses bad definitions before any registration', () => {
    // A command whose words are missing from the catalog has no description and no usage.
    const bad = defineCommand({
      name: 'Bad-Name',
      access: 'anyone',
      args: {},
      run: async () => ({ blocks: [] }),
    });
    expect(commandProblems([bad, bad], [ENGLISH])).toEqual([
      'command "Bad-Name": the name must be 1–32 of a-z, 0-9 and _',
      'command "Bad-Name": the description must be 1–100 characters',
      'command "Bad-Name": the usage must start with /Bad-Name',
      'command "Bad-Name" is defined twice',
      'command "Bad-Name": the name must be 1–32 of a-z, 0-9 and _',
      'command "Bad-Name": the description must be 1–100 characters',
      'command "Bad-Name": the usage must start with /Bad-Name',
    ]);
    expect(commandProblems([bad])).toContain(
      'command "Bad-Name": the description (zh-CN) must be 1–100 characters',
    );
  });
});
