import { once } from 'node:events';
import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  type Interaction,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  type RateLimitData,
  RESTEvents,
  Routes,
  type TextChannel,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions, PERMISSION } from './discord-api.js';

const GUILD_ID = '300000000000000001';
const NEWS_ID = '300000000000000002';
const THREAD_ID = '300000000000000003';
const LOCKED_ID = '300000000000000004';
const ALICE = { id: '400000000000000001', username: 'alice' };

let fake: FakeDiscord | undefined;
let client: Client | undefined;
const handlerErrors: unknown[] = [];

async function boot(options: FakeDiscordOptions = {}): Promise<{ fake: FakeDiscord; client: Client }> {
  const f = new FakeDiscord({
    guilds: [
      {
        id: GUILD_ID,
        name: 'Newsroom',
        channels: [
          { id: NEWS_ID, name: 'news' },
          { id: THREAD_ID, name: 'daily', type: 11, parent_id: NEWS_ID },
          { id: LOCKED_ID, name: 'announcements', botDeny: String(PERMISSION.sendMessages) },
        ],
      },
    ],
    ...options,
  });
  fake = f;
  const { apiUrl } = await f.start();
  const c = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: apiUrl, retries: 0, timeout: 5000 },
    allowedMentions: { parse: [] },
    waitGuildTimeout: 200,
  });
  client = c;
  const ready = once(c, Events.ClientReady);
  await c.login('fake-token');
  await ready;
  return { fake: f, client: c };
}

/** Runs `handler` for every interaction; a throw is kept for the test to assert on, never unhandled. */
function onInteraction(c: Client, handler: (interaction: Interaction) => Promise<unknown>): void {
  c.on(Events.InteractionCreate, (interaction) => {
    handler(interaction).catch((error: unknown) => handlerErrors.push(error));
  });
}

function newsChannel(c: Client): TextChannel {
  const channel = c.channels.cache.get(NEWS_ID);
  if (channel?.type !== ChannelType.GuildText) throw new Error('news channel not cached');
  return channel;
}

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError))
    throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

afterEach(async () => {
  await client?.destroy();
  await fake?.stop();
  client = undefined;
  fake = undefined;
  expect(handlerErrors.splice(0)).toEqual([]);
});

describe('FakeDiscord gateway', () => {
  it('lets a real discord.js client log in, become ready and cache the guild', async () => {
    const { fake, client } = await boot();
    const identify = await fake.waitReady();
    expect(identify.intents).toBe(GatewayIntentBits.Guilds);
    expect(identify.compress).toBe(false);
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(GUILD_ID);
    expect(guild?.name).toBe('Newsroom');
    expect(client.channels.cache.get(THREAD_ID)?.type).toBe(ChannelType.PublicThread);
    const me = guild?.members.me;
    expect(me && newsChannel(client).permissionsFor(me).has('SendMessages')).toBe(true);
    const locked = client.channels.cache.get(LOCKED_ID);
    expect(locked && me && 'permissionsFor' in locked && locked.permissionsFor(me).has('SendMessages')).toBe(
      false,
    );
  });

  it('acknowledges heartbeats so discord.js measures a ping', async () => {
    const { client } = await boot({ heartbeatIntervalMs: 40 });
    await vi.waitFor(() => expect(client.ws.ping).toBeGreaterThanOrEqual(0), { timeout: 1000 });
  });

  it('lets a dropped client resume and replays the dispatches it missed', async () => {
    const { fake, client } = await boot();
    const resumed = once(client, Events.ShardResume);
    const deleted = once(client, Events.GuildDelete);
    fake.closeGatewayConnections(4000);
    fake.removeGuild(GUILD_ID);
    await resumed;
    const [guild] = await deleted;
    expect(guild.id).toBe(GUILD_ID);
  });

  it('delivers dispatches such as GUILD_DELETE to the client', async () => {
    const { fake, client } = await boot();
    const deleted = once(client, Events.GuildDelete);
    fake.removeGuild(GUILD_ID);
    const [guild] = await deleted;
    expect(guild.id).toBe(GUILD_ID);
    expect(client.guilds.cache.has(GUILD_ID)).toBe(false);
    expect(await apiError(client.channels.fetch(NEWS_ID, { force: true }))).toMatchObject({
      code: 10003,
      status: 404,
    });
  });
});

describe('FakeDiscord application commands', () => {
  it('records guild commands PUT with discord.js REST and returns them with ids', async () => {
    const { fake, client } = await boot();
    const body = [
      {
        name: 'topic',
        description: 'Latest items on one topic',
        options: [{ type: 3, name: 'topic', description: 'Topic', required: true, autocomplete: true }],
      },
    ];
    const answer = await client.rest.put(Routes.applicationGuildCommands(fake.applicationId, GUILD_ID), {
      body,
    });
    expect(answer).toMatchObject([{ name: 'topic', application_id: fake.applicationId, guild_id: GUILD_ID }]);
    expect(fake.guildCommands.get(GUILD_ID)?.map((c) => c.name)).toEqual(['topic']);
    const again = await client.rest.get(Routes.applicationGuildCommands(fake.applicationId, GUILD_ID));
    expect(again).toEqual(answer);
  });

  it("rejects definitions that break Discord's rules with 50035 and the failing path", async () => {
    const { fake, client } = await boot();
    const body = [
      {
        name: 'Brief',
        description: 'x'.repeat(101),
        options: [
          { type: 3, name: 'when', description: 'optional first' },
          { type: 3, name: 'topic', description: 'required after', required: true },
          {
            type: 3,
            name: 'pick',
            description: 'both',
            autocomplete: true,
            choices: [{ name: 'a', value: 'a' }],
          },
        ],
      },
    ];
    const error = await apiError(client.rest.put(Routes.applicationCommands(fake.applicationId), { body }));
    expect(error.code).toBe(50035);
    expect(error.rawError).toMatchObject({
      errors: {
        0: {
          name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] },
          description: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] },
          options: {
            1: { required: { _errors: [{ code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID' }] } },
            2: { autocomplete: { _errors: [{ code: 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES' }] } },
          },
        },
      },
    });
    expect(fake.globalCommands).toEqual([]);
  });
});

describe('FakeDiscord interactions', () => {
  it('sees an ephemeral reply to a slash command', async () => {
    const { fake, client } = await boot();
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const count = interaction.options.getInteger('count', true);
      await interaction.reply({
        content: `${interaction.commandName} x${count}`,
        flags: MessageFlags.Ephemeral,
      });
    });
    const rec = fake.interact({
      kind: 'command',
      name: 'brief',
      options: { count: 3 },
      channelId: NEWS_ID,
      user: ALICE,
    });
    expect(await rec.settled()).toEqual({
      kind: 'message',
      content: 'brief x3',
      flags: 64,
      ephemeral: true,
      allowed_mentions: { parse: [] },
    });
    expect((await rec.response()).type).toBe(4);
    expect(rec.respondedAfterMs).toBeLessThan(3000);
  });

  it('sees a deferred reply completed by editReply', async () => {
    const { fake, client } = await boot();
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      const edited = await interaction.editReply({
        content: 'Your briefing',
        embeds: [{ title: 'Top story' }],
      });
      expect(edited.content).toBe('Your briefing');
    });
    const rec = fake.interact({ kind: 'command', name: 'brief', channelId: THREAD_ID, user: ALICE });
    const answer = await rec.settled();
    expect(answer).toMatchObject({ kind: 'message', content: 'Your briefing', ephemeral: false });
    expect(answer.embeds).toEqual([{ title: 'Top story' }]);
    expect(rec.callbacks.map((c) => c.type)).toEqual([5]);
    expect(rec.edits).toHaveLength(1);
  });

  it('answers ?with_response=true with an interaction callback response', async () => {
    const { fake, client } = await boot();
    const seen: (string | null | undefined)[] = [];
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({ content: 'hello', withResponse: true });
      seen.push(response.resource?.message?.content, response.interaction.responseMessageId);
    });
    const rec = fake.interact({ kind: 'command', name: 'brief', channelId: NEWS_ID, user: ALICE });
    await rec.settled();
    await vi.waitFor(() => expect(seen).toEqual(['hello', rec.originalMessageId]), { timeout: 1000 });
  });

  it('answers a second acknowledgement with 40060 like Discord', async () => {
    const { fake, client } = await boot();
    const rec = fake.interact({ kind: 'command', name: 'brief', channelId: NEWS_ID, user: ALICE });
    const route = Routes.interactionCallback(rec.id, rec.token);
    await client.rest.post(route, { body: { type: 4, data: { content: 'one' } }, auth: false });
    const error = await apiError(
      client.rest.post(route, { body: { type: 4, data: { content: 'two' } }, auth: false }),
    );
    expect(error.code).toBe(40060);
    expect(rec.callbacks).toHaveLength(1);
  });

  it('sees autocomplete choices and the focused option', async () => {
    const { fake, client } = await boot();
    onInteraction(client, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const focused = interaction.options.getFocused(true);
      await interaction.respond([{ name: `${focused.name}:${focused.value}`, value: 'tech' }]);
    });
    const rec = fake.interact({
      kind: 'autocomplete',
      name: 'topic',
      options: { topic: 'te' },
      focused: 'topic',
      channelId: NEWS_ID,
      user: ALICE,
    });
    expect(await rec.settled()).toEqual({
      kind: 'autocomplete',
      ephemeral: false,
      choices: [{ name: 'topic:te', value: 'tech' }],
    });
  });

  it('shows a modal and reads the submitted text with fields.getTextInputValue', async () => {
    const { fake, client } = await boot();
    const submitted: string[] = [];
    onInteraction(client, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const modal = new ModalBuilder()
          .setCustomId('suggest')
          .setTitle('Suggest a source')
          .addLabelComponents(
            new LabelBuilder()
              .setLabel('Feed URL')
              .setTextInputComponent(
                new TextInputBuilder().setCustomId('url').setStyle(TextInputStyle.Short),
              ),
          );
        await interaction.showModal(modal);
      } else if (interaction.isModalSubmit()) {
        submitted.push(interaction.fields.getTextInputValue('url'));
        await interaction.reply({ content: 'Thanks', flags: MessageFlags.Ephemeral });
      }
    });
    const command = fake.interact({ kind: 'command', name: 'suggest', channelId: NEWS_ID, user: ALICE });
    const shown = await command.settled();
    expect(shown.kind).toBe('modal');
    expect(shown.modal).toMatchObject({ custom_id: 'suggest', title: 'Suggest a source' });

    const submit = fake.interact({
      kind: 'modal',
      customId: 'suggest',
      fields: { url: 'https://example.org/feed' },
      channelId: NEWS_ID,
      user: ALICE,
    });
    expect(await submit.settled()).toMatchObject({ kind: 'message', content: 'Thanks', ephemeral: true });
    expect(submitted).toEqual(['https://example.org/feed']);
  });

  it('sends DM interactions with a top-level user and no member', async () => {
    const { fake, client } = await boot();
    const seen: { guildId: string | null; channelId: string | null; member: boolean }[] = [];
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push({
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        member: interaction.member !== null,
      });
      await interaction.reply({ content: 'dm ok' });
    });
    const rec = fake.interact({
      kind: 'command',
      name: 'brief',
      channelId: '500000000000000001',
      dm: true,
      user: ALICE,
    });
    expect(await rec.settled()).toMatchObject({ content: 'dm ok', ephemeral: false });
    expect(seen).toEqual([{ guildId: null, channelId: '500000000000000001', member: false }]);
  });
});

describe('FakeDiscord messages', () => {
  it('dedupes enforce_nonce sends and records allowed_mentions', async () => {
    const { fake, client } = await boot();
    const channel = newsChannel(client);
    const first = await channel.send({ content: 'hi @everyone', nonce: 'abc', enforceNonce: true });
    const second = await channel.send({ content: 'hi @everyone', nonce: 'abc', enforceNonce: true });
    expect(second.id).toBe(first.id);
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({
      content: 'hi @everyone',
      nonce: 'abc',
      enforce_nonce: true,
      allowed_mentions: { parse: [] },
      mention_everyone: false,
    });
    await channel.send({ content: 'again', nonce: 'abc' });
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(2);
  });

  it('turns 10003 and 50013 answers into DiscordAPIError codes', async () => {
    const { fake, client } = await boot();
    const channel = newsChannel(client);
    fake.failChannel(NEWS_ID, 'unknown_channel', { times: 1 });
    expect(await apiError(channel.send('x'))).toMatchObject({ code: 10003, status: 404 });
    fake.failChannel(NEWS_ID, 'missing_permissions', { times: 1 });
    expect(await apiError(channel.send('x'))).toMatchObject({ code: 50013, status: 403 });
    const locked = client.channels.cache.get(LOCKED_ID);
    if (locked?.type !== ChannelType.GuildText) throw new Error('locked channel not cached');
    expect(await apiError(locked.send('x'))).toMatchObject({ code: 50013 });
    expect(
      await apiError(client.rest.post(Routes.channelMessages('999'), { body: { content: 'x' } })),
    ).toMatchObject({
      code: 10003,
    });
    await channel.send('works again');
    expect(fake.messagesIn(NEWS_ID).map((m) => m.content)).toEqual(['works again']);
  });

  it("enforces Discord's content and embed limits with 50035 and 50006", async () => {
    const { client } = await boot();
    const channel = newsChannel(client);
    const tooLong = await apiError(channel.send({ content: 'x'.repeat(2001) }));
    expect(tooLong.code).toBe(50035);
    expect(tooLong.rawError).toMatchObject({
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });
    const bigEmbeds = Array.from({ length: 2 }, () => ({ description: 'y'.repeat(3500) }));
    const tooBig = await apiError(channel.send({ embeds: bigEmbeds }));
    expect(tooBig.rawError).toMatchObject({
      errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } },
    });
    const empty = await apiError(
      client.rest.post(Routes.channelMessages(NEWS_ID), { body: { content: '' } }),
    );
    expect(empty.code).toBe(50006);
  });

  it('sends DMs through POST /users/@me/channels and injects 50007', async () => {
    const { fake, client } = await boot();
    const dm = await client.users.createDM(ALICE.id);
    expect(dm.type).toBe(ChannelType.DM);
    await dm.send('morning briefing');
    expect(fake.messagesIn(dm.id)).toHaveLength(1);
    fake.failChannel(dm.id, 'cannot_dm');
    expect(await apiError(dm.send('again'))).toMatchObject({ code: 50007, status: 403 });
  });

  it('has discord.js retry an injected 429 with bucket headers, then succeed', async () => {
    const { fake, client } = await boot({ limits: {} });
    const limited: RateLimitData[] = [];
    client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info));
    fake.failChannel(NEWS_ID, { rateLimit: { retryAfterSeconds: 0.15 } }, { times: 1 });
    const started = Date.now();
    await newsChannel(client).send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(fake.stats.rejected429).toBe(1);
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(1);
    expect(fake.stats.byRoute['POST /channels/:id/messages']).toBe(2);
  });

  it('emulates the per-channel bucket so discord.js queues instead of hitting 429', async () => {
    const { fake, client } = await boot({ limits: { channelPerFiveSeconds: 2, channelWindowMs: 200 } });
    const channel = newsChannel(client);
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, (_, i) => channel.send(`item ${i}`)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(fake.stats.rejected429).toBe(0);
    expect(fake.messagesIn(NEWS_ID).map((m) => m.content)).toEqual([
      'item 0',
      'item 1',
      'item 2',
      'item 3',
      'item 4',
    ]);
  });

  it('answers the global limit with 429 and x-ratelimit-global', async () => {
    const { fake } = await boot({ limits: { globalPerSecond: 3 } });
    const send = (): Promise<Response> =>
      fetch(`${fake.apiUrl}/v10/channels/${NEWS_ID}/messages`, {
        method: 'POST',
        headers: { authorization: 'Bot fake-token', 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'raw' }),
      });
    // Login's GET /gateway/bot counted too; five sends cross the limit in any one-second window.
    const answers: Response[] = [];
    for (let i = 0; i < 5; i++) answers.push(await send());
    expect(answers[0]?.status).toBe(200);
    const limited = answers.find((r) => r.status === 429);
    expect(limited?.headers.get('x-ratelimit-global')).toBe('true');
    expect(await limited?.json()).toMatchObject({ message: 'You are being rate limited.', global: true });
    expect(answers[0]?.headers.get('x-ratelimit-bucket')).toBeTruthy();
  });

  it('fails every nth message with failEvery until cleared', async () => {
    const { fake, client } = await boot();
    fake.failEvery(2, 'server_error');
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      await newsChannel(client)
        .send(`n${i}`)
        .then(
          () => outcomes.push('sent'),
          (error: unknown) =>
            outcomes.push(error instanceof HTTPError ? `http ${error.status}` : String(error)),
        );
    }
    expect(outcomes).toEqual(['sent', 'http 500', 'sent', 'http 500']);
    fake.clearFailures();
    await newsChannel(client).send('n4');
    expect(fake.messagesIn(NEWS_ID).map((m) => m.content)).toEqual(['n0', 'n2', 'n4']);
  });

  it('waits for a message with a bounded timeout', async () => {
    const { fake, client } = await boot();
    const waiting = fake.waitForMessage((m) => m.content === 'later');
    await newsChannel(client).send('later');
    expect((await waiting).channel_id).toBe(NEWS_ID);
    await expect(fake.waitForMessage(() => false, 50)).rejects.toThrow(/timed out after 50 ms/);
  });
});
