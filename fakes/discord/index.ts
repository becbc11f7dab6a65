/**
 * A small, explicit fake of Discord's REST API (v10) and gateway, good enough for a real discord.js
 * 14.28.1 `Client` to log in, become ready, receive interactions and send messages.
 *
 * One `node:http` server on 127.0.0.1 (port 0) serves REST under `/api/v10/…` and upgrades WebSocket
 * connections to a JSON, uncompressed gateway (discord.js only asks for zlib when `zlib-sync` is
 * installed). What it emulates, and nothing more:
 * - gateway: HELLO, IDENTIFY → READY + one GUILD_CREATE per guild, HEARTBEAT → ACK, RESUME of a
 *   dropped session → missed dispatches + RESUMED (else INVALID_SESSION(false)), REQUEST_GUILD_MEMBERS
 *   → one empty chunk, and {@link FakeDiscord.dispatch};
 * - REST: `GET /gateway/bot`, `GET /users/@me`, `POST /users/@me/channels`, `GET /channels/:id`,
 *   `POST /channels/:id/messages`, `GET|PUT` global and guild application commands, interaction
 *   callbacks and the interaction webhook (`POST`, `GET|PATCH|DELETE messages/:id`);
 * - Discord's message, embed, command and modal limits (400 50035 / 50006), `enforce_nonce`, channel
 *   permissions of the bot (403 50001 / 50013), the per-channel message bucket and the global limit
 *   with real `x-ratelimit-*` headers, and injected failures.
 * Any other route answers 404 and is listed in {@link FakeDiscord.unmatchedRequests}.
 *
 * Fast by design: O(1) work per request, nothing logged; waiting helpers are bounded by timeouts
 * (real timers — do not use them under vitest fake timers).
 *
 * The parts, one concept per file: `server.ts` (HTTP + WebSocket transport), `gateway.ts`, `rest/` (route
 * table and handlers), `validation/` (message, command and callback rules), `state.ts` (guilds, channels,
 * messages, commands, interactions), `payloads.ts`, `interactions.ts` (INTERACTION_CREATE builder),
 * `interaction-record.ts`, `faults.ts` (injected failures), `limits.ts` (rate-limit buckets), `replies.ts`,
 * `protocol.ts` (wire enums, permissions) and `signal.ts` (bounded waits).
 *
 * @see https://discord.com/developers/docs/topics/gateway
 * @see https://discord.com/developers/docs/resources/message
 * @see https://discord.com/developers/docs/topics/rate-limits
 */
import { Faults } from './faults.js';
import { Gateway } from './gateway.js';
import type { InteractionRecord } from './interaction-record.js';
import { interact } from './interactions.js';
import { RateLimits } from './limits.js';
import { channelPayload, guildPayload } from './payloads.js';
import { THREAD_TYPES } from './protocol.js';
import { resolveRoute } from './rest/routes.js';
import { DiscordServer } from './server.js';
import { DEFAULT_WAIT_MS } from './signal.js';
import { DiscordState } from './state.js';
import type {
  FakeChannel,
  FakeDiscordOptions,
  FakeDiscordStats,
  FakeFailure,
  FakeGuild,
  IdentifyRecord,
  InteractOptions,
  RecordedMessage,
  RegisteredCommand,
} from './types.js';

export { InteractionRecord } from './interaction-record.js';
export { ALL_PERMISSIONS, DEFAULT_PERMISSIONS, PERMISSION } from './protocol.js';
export type * from './types.js';

/** Discord's usual HELLO interval; discord.js sends its first beat after `interval * random()`. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250;
const DEFAULT_APPLICATION_ID = '900000000000000001';
const DEFAULT_BOT_USERNAME = 'briefcast-fake';
const DEFAULT_READY_WAIT_MS = 5_000;

/**
 * The fake Discord: REST + gateway on one local port. Point a real discord.js `Client` at it with
 * `rest: { api: fake.apiUrl }`.
 *
 * @example
 * const fake = new FakeDiscord({ guilds: [{ id: '1', name: 'G', channels: [{ id: '2', name: 'news' }] }] });
 * const { apiUrl } = await fake.start();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
 * await client.login('fake-token');
 */
export class FakeDiscord {
  /** The bot's application id. */
  readonly applicationId: string;
  /** The bot's user id. */
  readonly botUserId: string;
  /** The bot's username. */
  readonly botUsername: string;
  /** Every message the bot created, in order. */
  readonly messages: RecordedMessage[];
  /** Request counters. */
  readonly stats: FakeDiscordStats = { accepted: 0, rejected429: 0, failed: 0, byRoute: {} };
  /** `METHOD path` of every request no emulated route matched. */
  readonly unmatchedRequests: string[] = [];
  /** Exceptions thrown inside the fake while handling a request (answered 500); should stay empty. */
  readonly internalErrors: unknown[] = [];

  private readonly state: DiscordState;
  private readonly gateway: Gateway;
  private readonly faults = new Faults();
  private readonly server: DiscordServer;
  private baseUrl = '';

  /** Creates a stopped fake with its guilds; call {@link FakeDiscord.start}. */
  constructor(options: FakeDiscordOptions = {}) {
    this.applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
    this.botUserId = options.botUserId ?? this.applicationId;
    this.botUsername = options.botUsername ?? DEFAULT_BOT_USERNAME;
    this.state = new DiscordState({
      applicationId: this.applicationId,
      botUserId: this.botUserId,
      botUsername: this.botUsername,
    });
    this.messages = this.state.messages;
    this.gateway = new Gateway(
      this.state,
      options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      () => this.gatewayUrl,
    );
    const rest = {
      state: this.state,
      enforceDeadline: options.enforceInteractionDeadline ?? false,
      gatewayUrl: () => this.gatewayUrl,
    };
    this.server = new DiscordServer(
      {
        resolve: (method, parts) => resolveRoute(rest, method, parts),
        faults: this.faults,
        limits: new RateLimits(options.limits),
        stats: this.stats,
        unmatchedRequests: this.unmatchedRequests,
        internalErrors: this.internalErrors,
      },
      this.gateway,
    );
    for (const guild of options.guilds ?? []) this.state.registerGuild(guild);
  }

  /** The last IDENTIFY received, or null. */
  get identify(): IdentifyRecord | null {
    return this.gateway.identify;
  }

  set identify(value: IdentifyRecord | null) {
    this.gateway.identify = value;
  }

  /** Every IDENTIFY received, in order (a client running several shards identifies once per shard). */
  get identifies(): readonly IdentifyRecord[] {
    return this.gateway.identifies;
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /** Listens on 127.0.0.1 (a free port) and returns the base URL for discord.js's `rest.api`. */
  async start(): Promise<{ apiUrl: string; gatewayUrl: string }> {
    if (this.server.listening) throw new Error('FakeDiscord: already started');
    this.baseUrl = await this.server.listen();
    return { apiUrl: this.apiUrl, gatewayUrl: this.gatewayUrl };
  }

  /** Closes every socket and the server, so the process can exit. */
  async stop(): Promise<void> {
    await this.server.close();
  }

  /** `http://127.0.0.1:PORT/api` — discord.js appends `/v10`. */
  get apiUrl(): string {
    return `http://${this.baseUrl}/api`;
  }

  /** `ws://127.0.0.1:PORT`, as `GET /gateway/bot` reports it. */
  get gatewayUrl(): string {
    return `ws://${this.baseUrl}`;
  }

  // --- state the tests read ------------------------------------------------------------------

  /** The last global command list PUT by the bot. */
  get globalCommands(): readonly RegisteredCommand[] {
    return this.state.globalCommands;
  }

  /** The last command list PUT for each guild. */
  get guildCommands(): ReadonlyMap<string, readonly RegisteredCommand[]> {
    return this.state.guildCommands;
  }

  /** Messages the bot created in one channel, in order. */
  messagesIn(channelId: string): readonly RecordedMessage[] {
    return this.state.messagesIn(channelId);
  }

  /** The first message (already recorded or future) matching `predicate`. */
  waitForMessage(
    predicate: (message: RecordedMessage) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RecordedMessage> {
    let scanned = 0;
    return this.state.messageSignal.wait(
      () => {
        for (; scanned < this.messages.length; scanned++) {
          const message = this.messages[scanned];
          if (message && predicate(message)) return message;
        }
        return undefined;
      },
      timeoutMs,
      () => `a matching message (${this.messages.length} recorded)`,
    );
  }

  /** Resolves with the IDENTIFY once a client has identified and received READY (and the GUILD_CREATEs). */
  waitReady(timeoutMs = DEFAULT_READY_WAIT_MS): Promise<IdentifyRecord> {
    return this.gateway.waitReady(timeoutMs);
  }

  // --- world changes -------------------------------------------------------------------------

  /** Registers a DM channel between the bot and a user (what `POST /users/@me/channels` would create). */
  addDmChannel(channelId: string, userId: string, username = `user${userId}`): void {
    this.state.addDmChannel(channelId, userId, username);
  }

  /** The bot joins a guild: registers it and dispatches GUILD_CREATE. */
  addGuild(guild: FakeGuild): void {
    const state = this.state.registerGuild(guild);
    this.dispatch('GUILD_CREATE', guildPayload(this.state, state));
  }

  /**
   * The bot leaves a guild (it is forgotten, its channels answer 10003) and GUILD_DELETE is
   * dispatched; with `unavailable` it is an outage instead and the guild is kept.
   */
  removeGuild(guildId: string, options: { unavailable?: boolean } = {}): void {
    const guild = this.state.guilds.get(guildId);
    if (options.unavailable) {
      this.dispatch('GUILD_DELETE', { id: guildId, unavailable: true });
      return;
    }
    if (guild) {
      for (const channelId of guild.channels.keys()) this.state.channels.delete(channelId);
      this.state.guilds.delete(guildId);
    }
    this.dispatch('GUILD_DELETE', { id: guildId });
  }

  /** Adds a channel to a guild and dispatches CHANNEL_CREATE (THREAD_CREATE for threads). */
  addChannel(guildId: string, channel: FakeChannel): void {
    const guild = this.state.guilds.get(guildId);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${guildId}`);
    const state = this.state.registerChannel(guild, channel);
    this.dispatch(
      THREAD_TYPES.has(state.type) ? 'THREAD_CREATE' : 'CHANNEL_CREATE',
      channelPayload(this.state, state),
    );
  }

  /** Deletes a guild channel (it then answers 10003) and dispatches CHANNEL_DELETE (THREAD_DELETE for threads). */
  deleteChannel(channelId: string): void {
    const channel = this.state.channels.get(channelId);
    if (!channel?.guildId) throw new Error(`FakeDiscord: unknown guild channel ${channelId}`);
    const payload = channelPayload(this.state, channel);
    this.state.channels.delete(channelId);
    this.state.guilds.get(channel.guildId)?.channels.delete(channelId);
    this.dispatch(THREAD_TYPES.has(channel.type) ? 'THREAD_DELETE' : 'CHANNEL_DELETE', payload);
  }

  // --- failure injection ---------------------------------------------------------------------

  /**
   * Answers requests on one channel (`GET /channels/:id`, `POST /channels/:id/messages`) with a
   * failure, `times` times (default: until {@link clearFailures}). Works for unknown ids too.
   */
  failChannel(channelId: string, failure: FakeFailure, options: { times?: number } = {}): void {
    this.faults.failChannel(channelId, failure, options);
  }

  /** Fails every `n`th message-create request (counted from now), for `untilMs` ms if given. */
  failEvery(n: number, failure: FakeFailure, options: { untilMs?: number } = {}): void {
    this.faults.failEvery(n, failure, options);
  }

  /** Removes every injected failure. */
  clearFailures(): void {
    this.faults.clear();
  }

  // --- gateway -------------------------------------------------------------------------------

  /**
   * Closes every gateway connection with `code`, as a Discord-side drop (4000 "unknown error": discord.js
   * reconnects and resumes; dispatches sent meanwhile are replayed).
   */
  closeGatewayConnections(code = 4000): void {
    this.gateway.closeConnections(code);
  }

  /** Sends a dispatch (`op 0`) to every ready gateway client; returns how many received it. */
  dispatch(t: string, d: unknown): number {
    return this.gateway.dispatch(t, d);
  }

  /**
   * Dispatches an INTERACTION_CREATE built like Discord's (type 2 command, 4 autocomplete, 5 modal
   * submit) and returns the record that collects the bot's answers.
   */
  interact(options: InteractOptions): InteractionRecord {
    return interact(this.state, this.gateway, options);
  }
}
