import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { DeskAuth, hashSecret } from '../../src/adapters/desk/auth.js';
import { Dispatcher, type Invocation } from '../../src/core/dispatch.js';
import { renderText } from '../../src/core/render-text.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { makeNewsroom } from '../helpers/newsroom.js';

const EDITOR = { platform: 'telegram', id: '111', name: 'Ed' } as const;

async function setUp(withDesk = true) {
  const room = await makeNewsroom({ editors: { telegram: ['111'], discord: ['999'] } });
  const sessions = new MemoryStore();
  const auth = new DeskAuth({
    sessions,
    publicUrl: 'https://desk.example.org',
    isEditor: (u) => room.dispatcher.isEditor(u),
  });
  const editors = { telegram: new Set(['111']), discord: new Set(['999']), console: new Set(['local']) };
  const dispatcher = new Dispatcher(
    commands,
    room.newsroom,
    editors,
    silentLogger,
    undefined,
    withDesk ? auth : undefined,
  );
  const run = async (inv: Partial<Invocation>) => {
    const doc = await dispatcher.dispatch({
      platform: 'telegram',
      command: 'desk',
      input: { text: '' },
      chat: { platform: 'telegram', id: '111' },
      chatKind: 'private',
      user: EDITOR,
      isChatAdmin: async () => true,
      ...inv,
    });
    return { doc, text: renderText(doc) };
  };
  return { run, sessions };
}

describe('/desk', () => {
  it('gives an editor in a private chat a one-time link, shown only to them', async () => {
    const { run, sessions } = await setUp();
    const { doc, text } = await run({});
    const link = /https:\/\/desk\.example\.org\/sign-in\/([0-9a-f]{64})/.exec(text);
    expect(link).not.toBeNull();
    expect(doc.private).toBe(true);
    expect(text).toContain('works until Tue 11 Jan 2022, 14:10 (Asia/Shanghai)');
    // Stored by its hash, never as it is.
    expect(await sessions.findSignInToken(link![1]!)).toBeUndefined();
  });

  it('answers in the chat’s language (the link, its expiry, the refusal in a group)', async () => {
    const { run, sessions } = await setUp();
    const { text } = await run({ locale: 'zh-CN' });
    expect(text).toContain('你的编辑台链接：https://desk.example.org/sign-in/');
    // The link signs in to a desk in the chat's language.
    const token = /sign-in\/([0-9a-f]{64})/.exec(text)![1]!;
    expect((await sessions.findSignInToken(hashSecret(token)))?.language).toBe('zh-CN');
    expect(text).toContain('它只能登录一次，有效期到 2022年1月11日 星期二 14:10 (Asia/Shanghai)。请勿分享。');
    const group = await run({
      chat: { platform: 'telegram', id: '-100' },
      chatKind: 'group',
      locale: 'zh-CN',
    });
    expect(group.text).toBe('请在与机器人的私聊中索取编辑台链接：这里的任何人都能使用发在本聊天中的链接。');
  });

  it('refuses in a Telegram group, answers privately in a Discord server', async () => {
    const { run } = await setUp();
    const group = await run({ chat: { platform: 'telegram', id: '-100' }, chatKind: 'group' });
    expect(group.text).toContain('Ask for the desk link in a private chat');
    expect(group.text).not.toContain('sign-in');
    const discord = await run({
      platform: 'discord',
      chat: { platform: 'discord', id: '555' },
      chatKind: 'group',
      user: { platform: 'discord', id: '999', name: 'D' },
    });
    expect(discord.text).toContain('/sign-in/');
    expect(discord.doc.private).toBe(true);
  });

  it('gives readers the editor-only reply, and says when the desk is off', async () => {
    const { run } = await setUp();
    expect((await run({ user: { platform: 'telegram', id: '222', name: 'R' } })).text).toContain(
      'editors only',
    );
    const off = await setUp(false);
    expect((await off.run({})).text).toContain('The desk is off');
  });
});
