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
      'language',
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
        description_localizations: { 'zh-CN': '话题' },
        required: true,
        type: ApplicationCommandOptionType.String,
        choices: [
          { name: '⛏️ Crypto mining', name_localizations: { 'zh-CN': '⛏️ 加密货币挖矿' }, value: 'mining' },
          { name: '🏛️ Blockchain policy', name_localizations: { 'zh-CN': '🏛️ 区块链政策' }, value: 'policy' },
          { name: '🖼️ NFTs', name_localizations: { 'zh-CN': '🖼️ 数字藏品' }, value: 'nft' },
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

  it('describes every command and option in Chinese too (zh-CN), keeping one ASCII name', () => {
    for (const c of global) {
      const zh = c.description_localizations?.['zh-CN'];
      expect(zh, c.name).toBeTruthy();
      expect(zh!.length).toBeLessThanOrEqual(100);
      expect(zh).not.toBe(c.description);
      expect(c.name_localizations).toBeUndefined();
      for (const o of c.options ?? []) {
        expect(o.description_localizations?.['zh-CN'], `${c.name} ${o.name}`).toBeTruthy();
        expect(o.description_localizations!['zh-CN']!.length).toBeLessThanOrEqual(100);
      }
    }
    expect(byName.get('brief')?.description_localizations).toEqual({
      'zh-CN': '某一天的简报（今天的，或最新的）',
    });
  });

  it('offers /language with each language as a choice, by its own name', () => {
    expect(byName.get('language')?.options).toEqual([
      expect.objectContaining({
        name: 'language',
        required: false,
        choices: [
          { name: 'English', value: 'en' },
          { name: '中文', value: 'zh' },
        ],
      }),
    ]);
    expect(byName.get('language')?.default_member_permissions).toBeUndefined();
  });

  it('offers the wire’s actions as choices labelled in each language, the word as the value', () => {
    const action = byName.get('feed')?.options?.find((o) => o.name === 'action');
    expect(action).toMatchObject({
      required: false,
      choices: [
        { name: 'list', name_localizations: { 'zh-CN': '列出' }, value: 'list' },
        { name: 'add', name_localizations: { 'zh-CN': '添加' }, value: 'add' },
        { name: 'remove', name_localizations: { 'zh-CN': '移除' }, value: 'remove' },
        { name: 'pause', name_localizations: { 'zh-CN': '暂停' }, value: 'pause' },
        { name: 'resume', name_localizations: { 'zh-CN': '恢复' }, value: 'resume' },
      ],
    });
    const wire = byName.get('wire')?.options?.find((o) => o.name === 'action');
    expect(
      wire && 'choices' in wire ? wire.choices?.map((c) => c.name_localizations?.['zh-CN']) : [],
    ).toEqual(['列出', '发布', '跳过', '查看']);
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
