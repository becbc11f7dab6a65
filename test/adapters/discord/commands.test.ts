import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { buildCommandData } from '../../../src/adapters/discord/commands.js';
import { loadTopics } from '../../../src/store/seed.js';

const topics = await loadTopics();
const global = buildCommandData(commands, topics, 'global');
const byName = new Map(global.map((c) => [c.name, c]));

/** Discord's rules for a chat-input command, as application-commands.mdx states them. */
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

describe('buildCommandData', () => {
  it('follows Discord’s rules for names, descriptions, options, choices and permissions', () => {
    expect(global.length).toBeLessThanOrEqual(100);
    for (const c of global) {
      expect(c.name).toMatch(NAME);
      expect(c.name).toBe(c.name.toLowerCase());
      expect(c.description.length).toBeGreaterThanOrEqual(1);
      expect(c.description.length).toBeLessThanOrEqual(100);
      if (c.default_member_permissions != null) expect(c.default_member_permissions).toMatch(/^\d+$/);
      const options = c.options ?? [];
      expect(options.length).toBeLessThanOrEqual(25);
      let optionalSeen = false;
      for (const o of options) {
        expect(o.name).toMatch(NAME);
        expect(o.description.length).toBeGreaterThanOrEqual(1);
        expect(o.description.length).toBeLessThanOrEqual(100);
        if (o.required) expect(optionalSeen).toBe(false);
        else optionalSeen = true;
        if ('choices' in o && o.choices) {
          expect('autocomplete' in o && o.autocomplete).toBeFalsy();
          expect(o.choices.length).toBeLessThanOrEqual(25);
          for (const ch of o.choices) {
            expect(ch.name.length).toBeLessThanOrEqual(100);
            expect(String(ch.value).length).toBeLessThanOrEqual(100);
          }
        }
        if ('max_length' in o && o.max_length !== undefined) {
          expect(o.max_length).toBeGreaterThanOrEqual(1);
          expect(o.max_length).toBeLessThanOrEqual(6000);
        }
      }
    }
  });

  it('serves every command but the Telegram-only /start', () => {
    expect(global.map((c) => c.name)).toEqual([
      'help',
      'brief',
      'topic',
      'topics',
      'subscribe',
      'unsubscribe',
      'settings',
      'post',
      'edit',
      'delete',
      'digest',
      'stats',
      'feed',
      'wire',
      'desk',
    ]);
  });

  it('types options with their limits: count is an integer 1–10, the topic a choice of the catalogue', () => {
    expect(byName.get('topic')?.options).toEqual([
      {
        name: 'topic',
        description: 'The topic',
        required: true,
        type: ApplicationCommandOptionType.String,
        choices: [
          { name: '⛏️ Crypto mining', value: 'mining' },
          { name: '🏛️ Blockchain policy', value: 'policy' },
          { name: '🖼️ NFTs', value: 'nft' },
        ],
      },
      expect.objectContaining({
        name: 'count',
        type: ApplicationCommandOptionType.Integer,
        min_value: 1,
        max_value: 10,
        required: false,
      }),
    ]);
  });

  it('autocompletes topic lists and time zones', () => {
    const options = byName.get('subscribe')?.options ?? [];
    expect(options.map((o) => [o.name, 'autocomplete' in o ? o.autocomplete === true : false])).toEqual([
      ['topics', true],
      ['time', false],
      ['timezone', true],
    ]);
  });

  it('makes form fields optional so /post and /edit can open their form', () => {
    expect(byName.get('post')?.options?.every((o) => o.required === false)).toBe(true);
    const edit = byName.get('edit')?.options ?? [];
    expect(edit[0]).toMatchObject({
      name: 'id',
      required: true,
      type: ApplicationCommandOptionType.Integer,
      min_value: 1,
    });
    expect(edit.slice(1).every((o) => o.required === false)).toBe(true);
    expect(edit.find((o) => o.name === 'body')).toMatchObject({ max_length: 1500 });
  });

  it('hints Manage Channels for subscribing and Manage Server for editor commands', () => {
    const permissions = Object.fromEntries(global.map((c) => [c.name, c.default_member_permissions ?? null]));
    expect(permissions).toMatchObject({
      subscribe: '16',
      unsubscribe: '16',
      post: '32',
      edit: '32',
      delete: '32',
      digest: '32',
      stats: '32',
      brief: null,
      help: null,
    });
  });

  it('offers reader commands in DMs, subscribing in the bot’s DM, editor commands in servers only', () => {
    const contexts = Object.fromEntries(global.map((c) => [c.name, c.contexts]));
    expect(contexts).toMatchObject({
      brief: [0, 1, 2],
      topic: [0, 1, 2],
      topics: [0, 1, 2],
      help: [0, 1, 2],
      settings: [0, 1, 2],
      subscribe: [0, 1],
      unsubscribe: [0, 1],
      post: [0],
      stats: [0],
    });
    for (const c of global) expect(c.integration_types).toEqual([0]);
  });

  it('leaves contexts and integration types out of guild commands, where Discord takes none', () => {
    for (const c of buildCommandData(commands, topics, 'guild')) {
      expect(c).not.toHaveProperty('contexts');
      expect(c).not.toHaveProperty('integration_types');
    }
  });
});
