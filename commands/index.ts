import type { Command } from '../src/core/command.js';
import { validateCommands } from '../src/core/command-rules.js';
import brief from './brief.js';
import deleteCommand from './delete.js';
import desk from './desk.js';
import digest from './digest.js';
import edit from './edit.js';
import feed from './feed.js';
import help from './help.js';
import language from './language.js';
import post from './post.js';
import settings from './settings.js';
import start from './start.js';
import stats from './stats.js';
import subscribe from './subscribe.js';
import topic from './topic.js';
import topics from './topics.js';
import unsubscribe from './unsubscribe.js';
import wire from './wire.js';

/**
 * Every command, listed by hand (no folder scanning: a scan silently skips a misnamed file), in the
 * order menus show them. Checked against Discord's and Telegram's naming rules when this loads.
 */
export const commands: readonly Command[] = validateCommands([
  start,
  help,
  brief,
  topic,
  topics,
  subscribe,
  unsubscribe,
  settings,
  language,
  post,
  edit,
  deleteCommand,
  digest,
  stats,
  feed,
  wire,
  desk,
]);
