/**
 * `npm run deploy-commands`: registers Briefcast's slash commands with Discord — globally, or in
 * `DISCORD_GUILD_ID` when it is set (instant; meant for development). Reads `.env` like the app.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { REST } from 'discord.js';
import { commands } from '../../../commands/index.js';
import { ConfigError, loadConfig } from '../../config.js';
import { loadTopics } from '../../store/seed.js';
import { type Registered, registerCommands } from './register.js';

/**
 * Reads the configuration from `env` and registers the commands with the Discord API it names
 * (`DISCORD_API_URL`, or Discord's own).
 * @throws ConfigError when the configuration is invalid or has no Discord token and application id
 */
export async function deployCommands(env: Readonly<Record<string, string | undefined>>): Promise<Registered> {
  const config = loadConfig(env);
  if (!config.discord)
    throw new ConfigError([
      'DISCORD_TOKEN: expected the bot token, with DISCORD_APPLICATION_ID, to register commands',
    ]);
  const { token, applicationId, apiUrl, guildId } = config.discord;
  const rest = new REST(apiUrl === undefined ? {} : { api: apiUrl }).setToken(token);
  const topics = await loadTopics();
  return registerCommands(rest, {
    applicationId,
    commands,
    topics,
    ...(guildId !== undefined && { guildId }),
  });
}

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    const done = await deployCommands(process.env);
    const where =
      done.scope === 'global'
        ? 'globally (may take up to an hour to show everywhere)'
        : `in guild ${done.scope.guildId}`;
    process.stdout.write(`Registered ${done.names.length} commands ${where}: /${done.names.join(', /')}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const line of e.lines) process.stderr.write(`Configuration error: ${line}\n`);
      return 1;
    }
    // DiscordAPIError messages name the code and problem; they never include the token.
    process.stderr.write(`Registering the commands failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

// Run only as the script itself, so tests and the adapter can import `deployCommands`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then((code) => {
    process.exitCode = code;
  });
}
