/**
 * The fake Discord's gateway: a JSON, uncompressed WebSocket (discord.js only asks for zlib when `zlib-sync`
 * is installed). HELLO, IDENTIFY → READY + one GUILD_CREATE per guild, HEARTBEAT → ACK, RESUME of a dropped
 * session → missed dispatches + RESUMED (else INVALID_SESSION(false)), REQUEST_GUILD_MEMBERS → one empty
 * chunk, and dispatches to every ready session. Sharding as Discord does it: a session identified with
 * `shard: [id, count]` gets the guilds with `(guild_id >> 22) % count === id` and their events; DMs go to
 * shard 0; a session without `shard` gets everything.
 *
 * @see https://discord.com/developers/docs/topics/gateway
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { guildPayload, userPayload } from './payloads.js';
import { OP } from './protocol.js';
import { isRecord, type JsonRecord } from './replies.js';
import { Signal } from './signal.js';
import type { DiscordState } from './state.js';
import type { IdentifyRecord } from './types.js';

/** Dispatches kept for a dropped session to replay on RESUME; beyond this it must identify again. */
const MAX_MISSED_DISPATCHES = 1_000;

interface GatewaySession {
  socket: WebSocket;
  seq: number;
  sessionId: string | null;
  ready: boolean;
  /** `[id, count]` from IDENTIFY, or null: every guild. */
  shard: readonly [number, number] | null;
}

/** The shard a guild's events go to. @see https://discord.com/developers/docs/topics/gateway#sharding */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** The guild a dispatch is about (`guild_id`, or a guild's own `id`), or undefined (a DM, the bot). */
function guildOf(t: string, d: unknown): string | undefined {
  if (!isRecord(d)) return undefined;
  if (typeof d.guild_id === 'string') return d.guild_id;
  if ((t === 'GUILD_CREATE' || t === 'GUILD_DELETE' || t === 'GUILD_UPDATE') && typeof d.id === 'string')
    return d.id;
  return undefined;
}

/** Whether a session on `shard` receives a dispatch about `guildId` (DMs: shard 0). */
function covers(shard: readonly [number, number] | null, guildId: string | undefined): boolean {
  if (shard === null) return true;
  if (guildId === undefined) return shard[0] === 0;
  return shardOfGuild(guildId, shard[1]) === shard[0];
}

/** The gateway sessions of one fake. */
export class Gateway {
  /** The last IDENTIFY received, or null. */
  identify: IdentifyRecord | null = null;
  /** Every IDENTIFY received, in order (one per shard a client runs). */
  readonly identifies: IdentifyRecord[] = [];
  private readonly sessions = new Set<GatewaySession>();
  /** Sessions whose socket dropped without ending them, by session id, with what they missed. */
  private readonly detached = new Map<
    string,
    { seq: number; shard: readonly [number, number] | null; missed: { t: string; d: unknown }[] }
  >();
  private readonly readySignal = new Signal();
  private readyCount = 0;

  constructor(
    private readonly state: DiscordState,
    private readonly heartbeatIntervalMs: number,
    /** `ws://127.0.0.1:PORT`, known once the server listens. */
    private readonly gatewayUrl: () => string,
  ) {}

  /** Whether a dropped session may still resume (and so receive what is dispatched now). */
  get hasDetachedSessions(): boolean {
    return this.detached.size > 0;
  }

  /** Resolves with the IDENTIFY once a client has identified and received READY (and the GUILD_CREATEs). */
  waitReady(timeoutMs: number): Promise<IdentifyRecord> {
    return this.readySignal.wait(
      () => (this.readyCount > 0 ? (this.identify ?? undefined) : undefined),
      timeoutMs,
      () => 'a gateway client to identify',
    );
  }

  /**
   * Closes every gateway connection with `code`, as a Discord-side drop (4000 "unknown error": discord.js
   * reconnects and resumes; dispatches sent meanwhile are replayed).
   */
  closeConnections(code = 4000): void {
    for (const session of this.sessions) {
      // Detach now, not on the close event, so dispatches sent before the socket is gone are replayed.
      if (session.ready && session.sessionId !== null) {
        this.detached.set(session.sessionId, { seq: session.seq, shard: session.shard, missed: [] });
      }
      session.ready = false;
      this.sessions.delete(session);
      session.socket.close(code, 'FakeDiscord closed the connection');
    }
  }

  /** Sends a dispatch (`op 0`) to every ready gateway client; returns how many received it. */
  dispatch(t: string, d: unknown): number {
    const guildId = guildOf(t, d);
    let sent = 0;
    for (const session of this.sessions) {
      if (!session.ready || !covers(session.shard, guildId)) continue;
      this.sendDispatch(session, t, d);
      sent++;
    }
    for (const [sessionId, detached] of this.detached) {
      if (!covers(detached.shard, guildId)) continue;
      // Like Discord, a session that fell too far behind cannot be resumed.
      if (detached.missed.length >= MAX_MISSED_DISPATCHES) this.detached.delete(sessionId);
      else detached.missed.push({ t, d });
    }
    return sent;
  }

  /** Ends every session at once (the fake is stopping): nothing can resume. */
  terminateAll(): void {
    for (const session of this.sessions) session.socket.terminate();
    this.sessions.clear();
    this.detached.clear();
  }

  /** Serves a new WebSocket connection. */
  accept(socket: WebSocket, req: IncomingMessage): void {
    if (req.url?.includes('compress=zlib-stream')) {
      // discord.js asks for zlib only when `zlib-sync` is installed; this fake speaks plain JSON.
      socket.close(4000, 'FakeDiscord speaks uncompressed JSON only (is zlib-sync installed?)');
      return;
    }
    const session: GatewaySession = { socket, seq: 0, sessionId: null, ready: false, shard: null };
    this.sessions.add(session);
    socket.on('message', (raw) => this.onFrame(session, raw));
    socket.on('close', (code) => this.onClose(session, code));
    socket.on('error', () => this.sessions.delete(session));
    this.send(session, {
      op: OP.hello,
      d: { heartbeat_interval: this.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  private onFrame(session: GatewaySession, raw: RawData): void {
    let frame: unknown;
    try {
      frame = JSON.parse(String(raw));
    } catch {
      session.socket.close(4002, 'Decode error');
      return;
    }
    if (!isRecord(frame) || typeof frame.op !== 'number') {
      session.socket.close(4002, 'Decode error');
      return;
    }
    switch (frame.op) {
      case OP.heartbeat:
        this.send(session, { op: OP.heartbeatAck });
        return;
      case OP.identify:
        this.onIdentify(session, frame.d);
        return;
      case OP.resume:
        this.onResume(session, frame.d);
        return;
      case OP.requestGuildMembers: {
        const d = isRecord(frame.d) ? frame.d : {};
        this.sendDispatch(session, 'GUILD_MEMBERS_CHUNK', {
          guild_id: d.guild_id,
          members: [],
          chunk_index: 0,
          chunk_count: 1,
          not_found: [],
          nonce: d.nonce,
        });
        return;
      }
      default:
        // Presence and voice updates are accepted and ignored.
        return;
    }
  }

  private onClose(session: GatewaySession, code: number): void {
    this.sessions.delete(session);
    // A client closing with 1000/1001 ends its session; any other close leaves it resumable.
    if (session.ready && session.sessionId !== null && code !== 1000 && code !== 1001) {
      this.detached.set(session.sessionId, { seq: session.seq, shard: session.shard, missed: [] });
    }
  }

  /** Replays what the session missed, then RESUMED; an unknown session gets INVALID_SESSION(false). */
  private onResume(session: GatewaySession, d: unknown): void {
    const sessionId = isRecord(d) && typeof d.session_id === 'string' ? d.session_id : '';
    const detached = this.detached.get(sessionId);
    if (!detached) {
      this.send(session, { op: OP.invalidSession, d: false, s: null, t: null });
      return;
    }
    this.detached.delete(sessionId);
    session.sessionId = sessionId;
    session.seq = detached.seq;
    session.shard = detached.shard;
    session.ready = true;
    for (const { t, d: missed } of detached.missed) this.sendDispatch(session, t, missed);
    this.sendDispatch(session, 'RESUMED', {});
    this.readyCount++;
    this.readySignal.notify();
  }

  private onIdentify(session: GatewaySession, d: unknown): void {
    if (session.sessionId !== null) {
      session.socket.close(4005, 'Already authenticated');
      return;
    }
    if (!isRecord(d) || typeof d.token !== 'string' || typeof d.intents !== 'number') {
      session.socket.close(4004, 'Authentication failed');
      return;
    }
    const shard =
      Array.isArray(d.shard) && typeof d.shard[0] === 'number' && typeof d.shard[1] === 'number'
        ? ([d.shard[0], d.shard[1]] as const)
        : null;
    if (
      shard !== null &&
      !(Number.isInteger(shard[1]) && shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])
    ) {
      session.socket.close(4010, 'Invalid shard');
      return;
    }
    session.shard = shard;
    this.identify = {
      intents: d.intents,
      shard,
      compress: d.compress === true,
      large_threshold: typeof d.large_threshold === 'number' ? d.large_threshold : null,
      properties: isRecord(d.properties) ? d.properties : {},
    };
    this.identifies.push(this.identify);
    session.sessionId = randomBytes(16).toString('hex');
    session.ready = true;
    this.sendDispatch(session, 'READY', {
      v: 10,
      user: userPayload(this.state.bot.botUserId, this.state.bot.botUsername, true),
      guilds: [...this.state.guilds.keys()]
        .filter((id) => covers(shard, id))
        .map((id) => ({ id, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: this.gatewayUrl(),
      session_type: 'normal',
      shard: shard ?? [0, 1],
      application: { id: this.state.bot.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    for (const guild of this.state.guilds.values()) {
      if (covers(shard, guild.id))
        this.sendDispatch(session, 'GUILD_CREATE', guildPayload(this.state, guild));
    }
    this.readyCount++;
    this.readySignal.notify();
  }

  private sendDispatch(session: GatewaySession, t: string, d: unknown): void {
    session.seq++;
    this.send(session, { op: OP.dispatch, t, s: session.seq, d });
  }

  private send(session: GatewaySession, frame: JsonRecord): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(frame));
  }
}
