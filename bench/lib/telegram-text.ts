import { renderTelegram } from '../../src/adapters/telegram/render.js';
import { silentLogger } from '../../src/log.js';
import { sampleDigestDoc } from './newsroom.js';

/** The sample digest's Telegram HTML: the one message every bench chat gets, from every sender. */
export async function sampleTelegramText(): Promise<string> {
  const parts = renderTelegram(await sampleDigestDoc(silentLogger));
  if (parts.length !== 1 || parts[0] === undefined) {
    throw new Error(`the bench expects a one-message digest; the sample renders to ${parts.length}`);
  }
  return parts[0].html;
}
