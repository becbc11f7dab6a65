import { createServer } from 'node:net';
// The package's default export is typed for CommonJS interop that NodeNext does not apply; its class is here.
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../../src/adapters/telegram/telegram.js';
import { makeNewsroom } from '../../helpers/newsroom.js';
import { recordingLogger } from './harness.js';

const TOKEN = '424242:telegram-test-api-token';

/** telegram-test-api cannot listen on port 0: find a free port first. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A smoke test against an independent Bot API emulator, so our own fake is not the only judge. It serves
 * few methods: setMyCommands answers 500, which start-up must survive with a warning.
 */
describe('Telegram adapter against telegram-test-api', () => {
  let server: TelegramServer | undefined;
  let adapter: TelegramAdapter | undefined;
  afterEach(async () => {
    await adapter?.stop();
    await server?.stop();
    adapter = undefined;
    server = undefined;
  });

  it('answers /help in a private chat, after a failed setMyCommands', async () => {
    server = new TelegramServer({ port: await freePort(), host: '127.0.0.1' });
    await server.start();
    const { newsroom, dispatcher, clock } = await makeNewsroom();
    const { logger, records } = recordingLogger();
    adapter = createTelegramAdapter({
      dispatcher,
      newsroom,
      logger,
      config: { token: TOKEN, apiRoot: server.config.apiURL, maxPerSecond: 30 },
      now: () => clock.now(),
      stopTimeoutMs: 2_000,
    });
    await adapter.start();
    expect(adapter.username).toBe('TestNameBot');
    expect(records).toContainEqual(expect.objectContaining({ level: 40, scope: 'default' }));

    const client = server.getClient(TOKEN, { chatId: 5001, userId: 5001, type: 'private', timeout: 3_000 });
    await client.sendCommand(client.makeCommand('/help'));
    const updates = await client.getUpdates();
    const reply = updates.result[0]?.message;
    expect(reply).toMatchObject({ chat_id: 5001, parse_mode: 'HTML' });
    expect(reply?.text).toContain('/brief');
    expect(JSON.stringify(records)).not.toContain(TOKEN);
  });
});
