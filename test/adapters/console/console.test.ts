import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleAdapter, joinContinuations } from '../../../src/adapters/console/console.js';
import { silentLogger } from '../../../src/log.js';
import { LowdbStore } from '../../../src/store/lowdb.js';
import { makeNewsroom } from '../../helpers/newsroom.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/** Generous: a cold `tsx` start on a busy 2-core machine. */
const CHILD_TIMEOUT_MS = 20_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-console-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `node --import tsx src/main.ts` (what `npm start` runs) with `input` on stdin. */
function runMain(input: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        DATABASE_FILE: path.join(dir, 'db.json'),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main did not exit; stdout so far:\n${stdout}\nstderr:\n${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe('joinContinuations', () => {
  it('joins lines ending in a backslash with line breaks', () => {
    expect(joinContinuations(undefined, 'a\\')).toEqual({ pending: 'a' });
    expect(joinContinuations('a', 'b\\')).toEqual({ pending: 'a\nb' });
    expect(joinContinuations('a\nb', 'c')).toEqual({ message: 'a\nb\nc' });
    expect(joinContinuations(undefined, 'plain')).toEqual({ message: 'plain' });
  });
});

describe('console adapter', () => {
  it('answers each line in order, as an editor, and ends with its input', async () => {
    const { dispatcher } = await makeNewsroom({ now: '2026-11-29T06:00:00Z' });
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => {
      text += d.toString();
    });
    let ended = false;
    const adapter = new ConsoleAdapter({
      dispatcher,
      input,
      output,
      greeting: 'hello',
      onEnd: () => (ended = true),
    });
    await adapter.start();
    input.end(
      '/post nft A headline\\\nThe body.\\\nSource: OpenSea https://opensea.io/\nnot a command\n/delete 5\n',
    );
    await adapter.finished();
    expect(ended).toBe(true);
    expect(text.indexOf('POSTED #5')).toBeGreaterThan(text.indexOf('hello'));
    expect(text).toContain('▸ A headline [#5]\nThe body.\n— OpenSea https://opensea.io/');
    expect(text).toContain('Commands start with a slash.');
    expect(text.indexOf('Deleted #5')).toBeGreaterThan(text.indexOf('Commands start with a slash.'));
  });
});

describe('npm start with no platform token', () => {
  it('opens the console on the sample briefing and exits 0 at end of input', async () => {
    const { code, stdout } = await runMain(
      '/brief 2022-01-11\n/topic NFTs\n/subscribe mining 07:00 Europe/Berlin\n/settings\n',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Briefcast console — a local chat on the sample briefing/);
    expect(stdout).toContain('TELEGRAM_BOT_TOKEN or DISCORD_TOKEN');
    expect(stdout).toContain('BRIEFING — TUE 11 JAN 2022');
    expect(stdout).toContain('Phantabear');
    expect(stdout).toContain('Delivery: 07:00 Europe/Berlin');
    const store = await LowdbStore.open(path.join(dir, 'db.json'), { logger: silentLogger });
    expect((await store.queryItems({})).total).toBe(4);
    expect((await store.getSubscription('console:local'))?.settings).toMatchObject({ time: '07:00' });
    await store.close();
  });

  it('keeps its data for the next start', async () => {
    await runMain('/post policy Kept headline\\\nKept body\n');
    const { stdout } = await runMain('/topic policy 1\n');
    expect(stdout).toContain('Kept headline');
  });

  it('stops with one clear line on a bad variable', async () => {
    const { code, stderr, stdout } = await runMain('', { BRIEFING_TIMEZONE: 'Mars/Phobos' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'Configuration error: BRIEFING_TIMEZONE: "Mars/Phobos" is not a time zone; use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC.',
    );
    expect(stdout).toBe('');
  });

  it('refuses a corrupt data file and leaves it untouched', async () => {
    const file = path.join(dir, 'db.json');
    writeFileSync(file, '{"schema":1,"items":[');
    const { code, stderr } = await runMain('/brief\n');
    expect(code).toBe(1);
    expect(stderr).toContain(`Cannot start: Data file ${file} is not valid JSON`);
    expect(readFileSync(file, 'utf8')).toBe('{"schema":1,"items":[');
  });
});
