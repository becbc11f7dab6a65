/**
 * A worker process running one {@link FakeDiscord} for the Discord fan-out bench, with Discord's
 * per-channel message buckets and global limit. Handlers: `start`, `cpu` and `stats`.
 */
import { FakeDiscord } from '../../fakes/discord/index.js';
import {
  channelIds,
  type DiscordFakeStats,
  type DiscordLayout,
  type DiscordLimits,
  guildId,
} from './discord-contract.js';
import { cpuMsNow } from './telegram-contract.js';
import { serve } from './worker.js';

let fake: FakeDiscord | undefined;
let layout: DiscordLayout | undefined;

serve({
  async start(args: { layout: DiscordLayout; limits: DiscordLimits }) {
    layout = args.layout;
    const ids = channelIds(args.layout);
    fake = new FakeDiscord({
      limits: args.limits,
      guilds: Array.from({ length: args.layout.guilds }, (_, g) => ({
        id: guildId(args.layout, g),
        name: `Guild ${g + 1}`,
        channels: ids
          .slice(g * args.layout.channelsPerGuild, (g + 1) * args.layout.channelsPerGuild)
          .map((id, c) => ({ id, name: `news-${c + 1}` })),
      })),
    });
    const { apiUrl } = await fake.start();
    return { apiUrl, applicationId: fake.applicationId };
  },
  async cpu(): Promise<number> {
    return cpuMsNow();
  },
  async stats(): Promise<DiscordFakeStats> {
    if (fake === undefined || layout === undefined) throw new Error('the fake was not started');
    let missing = 0;
    let duplicates = 0;
    for (const id of channelIds(layout)) {
      const n = fake.messagesIn(id).length;
      if (n === 0) missing++;
      else duplicates += n - 1;
    }
    const perSecond = new Map<number, number>();
    for (const m of fake.messages) {
      const second = Math.floor(m.at / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    const { accepted, rejected429, failed } = fake.stats;
    return {
      accepted,
      rejected429,
      failed,
      missing,
      duplicates,
      cpuMs: cpuMsNow(),
      peakPerSecond: Math.max(0, ...perSecond.values()),
    };
  },
});
