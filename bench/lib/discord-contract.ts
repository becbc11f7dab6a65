/** What the Discord fan-out bench passes between its processes. */

/** The fake's guilds: `guilds` servers of `channelsPerGuild` text channels, ids from `firstId`. */
export interface DiscordLayout {
  readonly guilds: number;
  readonly channelsPerGuild: number;
  readonly firstId: bigint | string;
}

/** The limits the fake enforces, as Discord does. */
export interface DiscordLimits {
  readonly globalPerSecond: number;
  readonly channelPerFiveSeconds: number;
}

/** What the sender is asked to do. */
export interface DiscordSendArgs {
  readonly apiUrl: string;
  readonly applicationId: string;
  readonly channelIds: readonly string[];
}

/** What the sender reports. */
export interface DiscordSendResult {
  readonly sent: number;
  readonly failed: number;
  /** Wall time of the delivery run. */
  readonly ms: number;
  readonly cpuMs: number;
  readonly machineMs: number;
  /** Times discord.js's REST client said it waited for a rate limit (`rateLimited` events). */
  readonly rateLimitedEvents: number;
}

/** What the fake counted. */
export interface DiscordFakeStats {
  readonly accepted: number;
  readonly rejected429: number;
  readonly failed: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly cpuMs: number;
  /** Message creates per second over the run's busiest second. */
  readonly peakPerSecond: number;
}

/** The channel ids of a layout, guild by guild. */
export function channelIds(layout: DiscordLayout): string[] {
  const first = BigInt(layout.firstId);
  const ids: string[] = [];
  for (let g = 0; g < layout.guilds; g++) {
    for (let c = 0; c < layout.channelsPerGuild; c++) {
      ids.push(String(first + BigInt(g * (layout.channelsPerGuild + 1) + c + 1)));
    }
  }
  return ids;
}

/** The guild id of guild `g` in a layout (just before its channels). */
export function guildId(layout: DiscordLayout, g: number): string {
  return String(BigInt(layout.firstId) + BigInt(g * (layout.channelsPerGuild + 1)));
}
