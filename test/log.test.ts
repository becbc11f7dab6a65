import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleLogFile, isConsoleMode, loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return () => text;
}

describe('createLogger', () => {
  it('writes JSON lines to the log file and only warnings and errors, as short lines, to the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'briefcast-log-'));
    const file = join(dir, 'nested', 'briefcast.log');
    const terminal = new PassThrough();
    const shown = collect(terminal);
    const logger = createLogger('info', ['s3cret-token'], { file, alerts: terminal });
    logger.info({ adapters: ['console'] }, 'ready');
    logger.debug('not at this level');
    logger.warn('checkpoint failed; retrying in 5 s');
    logger.error({ err: new Error('disk full, token s3cret-token') }, 'journal append failed');
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));

    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual([
      'ready',
      'checkpoint failed; retrying in 5 s',
      'journal append failed',
    ]);
    expect(shown()).toBe(
      'warning: checkpoint failed; retrying in 5 s\nerror: journal append failed (disk full, token [redacted])\n',
    );
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret-token');
  });

  it('appends to an existing log file rather than replacing it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'briefcast-log-')), 'app.log');
    createLogger('info', [], { file }).info('first start');
    createLogger('info', [], { file }).info('second start');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('console log placement', () => {
  it('is console mode only with no platform token, and logs beside the data file', () => {
    const config = loadConfig({ DATABASE_FILE: 'var/briefcast/db.json' });
    expect(isConsoleMode(config)).toBe(true);
    expect(consoleLogFile(config)).toBe(join('var/briefcast', 'briefcast.log'));
    expect(isConsoleMode(loadConfig({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' }))).toBe(
      false,
    );
  });

  it('takes LOG_FILE as given', () => {
    expect(loadConfig({ LOG_FILE: '/var/log/briefcast.log' }).logFile).toBe('/var/log/briefcast.log');
    expect(loadConfig({ LOG_FILE: '  ' }).logFile).toBeUndefined();
  });
});
