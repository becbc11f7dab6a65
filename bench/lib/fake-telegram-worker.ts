/**
 * A worker process running one {@link FakeTelegram} for a bench (not recording messages, only
 * counting them), so the fake has a core of its own. Handlers: `start` (limits → address),
 * `stats` (a chat range → what the fake counted), and for chats that are not a range, `watch` (a
 * list of chat ids) then `watched` (what the fake counted for them; cheap enough to poll), and
 * `startRecording`, a fake that keeps the texts, so that `watched` counts a part sent twice as a
 * duplicate and not the parts of one multi-part digest.
 */
import { subscribe } from 'node:diagnostics_channel';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import type { ChatRange, FakeAddress, FakeLimits, FakeStats } from './telegram-contract.js';
import { cpuMsNow } from './telegram-contract.js';
import { serve } from './worker.js';

let fake: FakeTelegram | undefined;
let connections = 0;
let watchedIds: readonly number[] = [];
let recording = false;
// Node publishes every socket a server accepts here; counting them tells keep-alive from not.
subscribe('net.server.socket', () => {
  connections++;
});

serve({
  async start(limits: FakeLimits): Promise<FakeAddress> {
    fake = new FakeTelegram({ recordSent: false, limits });
    const { apiRoot } = await fake.start();
    return { apiRoot, token: fake.token };
  },
  /** As `start`, keeping every message's text: `watched` then tells a part sent twice from the next part. */
  async startRecording(limits: FakeLimits): Promise<FakeAddress> {
    fake = new FakeTelegram({ recordSent: true, limits });
    recording = true;
    const { apiRoot } = await fake.start();
    return { apiRoot, token: fake.token };
  },
  async cpu(): Promise<number> {
    return cpuMsNow();
  },
  async stats(chats: ChatRange): Promise<FakeStats> {
    if (fake === undefined) throw new Error('the fake was not started');
    let missing = 0;
    let duplicates = 0;
    for (let id = chats.first; id < chats.first + chats.count; id++) {
      const n = fake.sentCount(id);
      if (n === 0) missing++;
      else duplicates += n - 1;
    }
    const { accepted, rejected429 } = fake.stats;
    return { accepted, rejected429, connections, missing, duplicates, cpuMs: cpuMsNow() };
  },
  async watch(ids: readonly number[]): Promise<number> {
    watchedIds = ids;
    return ids.length;
  },
  async watched(): Promise<FakeStats> {
    if (fake === undefined) throw new Error('the fake was not started');
    let missing = 0;
    let duplicates = 0;
    for (const id of watchedIds) {
      const n = fake.sentCount(id);
      if (n === 0) missing++;
      // Recording, a chat's messages are its digest's parts: a duplicate is a text it got again.
      else if (recording) duplicates += n - new Set(fake.sentTo(id).map((m) => m.text)).size;
      else duplicates += n - 1;
    }
    const { accepted, rejected429 } = fake.stats;
    return { accepted, rejected429, connections, missing, duplicates, cpuMs: cpuMsNow() };
  },
});
