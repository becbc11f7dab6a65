import { existsSync } from 'node:fs';
import { type App, startApp } from './app.js';
import { type Config, ConfigError, consoleLogFile, isConsoleMode, loadConfig, secretsOf } from './config.js';
import { createLogger, type LogOutput } from './log.js';
import { StoreError } from './store/lowdb.js';

/** How long shutdown may wait for work under way before exiting anyway. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

/** Entry point: read `.env` and the configuration, start the app, stop it on a signal or end of input. */
async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const line of e.lines) process.stderr.write(`Configuration error: ${line}\n`);
      return 1;
    }
    throw e;
  }
  const logger = createLogger(config.logLevel, secretsOf(config), logOutput(config));
  // discord.js can reject inside its gateway handler on malformed payloads; log it, do not die of it.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  let app: App;
  try {
    app = await startApp({ config, logger });
  } catch (e) {
    if (e instanceof StoreError || (e instanceof Error && /^(Topics|Sample) file/.test(e.message))) {
      process.stderr.write(`Cannot start: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  // performance.now() counts from the start of the process: module loading, store open and adapters.
  logger.info(
    {
      adapters: app.adapters.map((a) => a.name),
      role: app.leadership.isLeader() ? 'leader' : 'standby',
      startMs: Math.round(performance.now()),
    },
    'ready',
  );

  const signal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const reason = await Promise.race([signal, app.ended.then(() => 'end of input')]);
  logger.info({ reason }, 'shutting down');
  const timeout = setTimeout(() => {
    logger.error('shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  timeout.unref();
  await app.stop();
  clearTimeout(timeout);
  logger.info('stopped: deliveries in flight recorded, data file flushed');
  return 0;
}

/**
 * `LOG_FILE` when set; in the console chat on a terminal, a log file beside the data (a newcomer's
 * first screen is the chat, not JSON lines), with warnings and errors still shown as short lines;
 * otherwise JSON on stderr.
 */
function logOutput(config: Config): LogOutput {
  if (config.logFile !== undefined) return { file: config.logFile };
  if (!isConsoleMode(config) || !process.stderr.isTTY) return {};
  const file = consoleLogFile(config);
  process.stderr.write(`(Logs go to ${file}.)\n`);
  return { file, alerts: process.stderr };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Briefcast failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
