/**
 * A worker process sending a fan-out with nothing but `node:http`: a keep-alive agent and a fixed
 * number of requests in flight, each answer parsed. No limiter, no retries: the ceiling of this
 * machine against the fake, which the other senders are measured against.
 */
import { Agent, request } from 'node:http';
import { DIGEST_EXTRA, type SendArgs, type SendResult, startMeter } from './telegram-contract.js';
import { serve } from './worker.js';

/** One `sendMessage`; resolves to whether Telegram said ok. */
function sendMessage(agent: Agent, url: URL, body: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ok?: boolean };
          resolve(answer.ok === true);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

serve({
  async run(args: SendArgs): Promise<SendResult> {
    const agent = new Agent({ keepAlive: true, maxSockets: args.concurrency });
    // `./` first: the token's colon would otherwise read as a URL scheme.
    const root = args.apiRoot.endsWith('/') ? args.apiRoot : `${args.apiRoot}/`;
    const url = new URL(`./bot${args.token}/sendMessage`, root);
    let next = 0;
    let sent = 0;
    let failed = 0;
    let firstError: string | undefined;
    const worker = async () => {
      // Each turn takes one chat of a finite range.
      while (next < args.chats.count) {
        const chatId = args.chats.first + next++;
        const body = JSON.stringify({ chat_id: chatId, text: args.text, ...DIGEST_EXTRA });
        const ok = await sendMessage(agent, url, body).catch((e: unknown) => {
          firstError ??= String(e);
          return false;
        });
        if (ok) sent++;
        else failed++;
      }
    };
    const stop = startMeter();
    await Promise.all(Array.from({ length: args.concurrency }, worker));
    const meter = stop();
    agent.destroy();
    return {
      sent,
      failed,
      ...meter,
      ...(firstError !== undefined && { firstError }),
    };
  },
});
