import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb.js';
import { sampleSub } from '../helpers/fixtures.js';

const author = { platform: 'console', id: 'e', name: 'Editor' } as const;
const item = (n: number) => {
  const at = new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
  return { topic: 'mining', headline: `Item ${n}`, body: 'body', author, publishedAt: at, updatedAt: at };
};

/**
 * Makes `dir` read-only for this process and returns how to undo that, or `undefined` when this
 * machine cannot: permission bits for a normal user; for root, who ignores them, the immutable
 * attribute (`chattr +i`, ext4 and friends), which stops root too from creating or renaming files.
 */
function makeReadOnly(dir: string): (() => void) | undefined {
  let undo: () => void;
  if (process.getuid?.() === 0) {
    try {
      execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    } catch {
      return undefined;
    }
    undo = () => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
  } else {
    chmodSync(dir, 0o555);
    undo = () => chmodSync(dir, 0o755);
  }
  try {
    writeFileSync(path.join(dir, 'probe'), '');
  } catch {
    return undo;
  }
  undo();
  return undefined;
}

let dir: string;
let undo: (() => void) | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-readonly-'));
});
afterEach(() => {
  undo?.();
  undo = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the data folder turning read-only mid-run', () => {
  it('logs the failed writes, keeps serving, and writes everything once the folder is writable again', async (ctx) => {
    const logs: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const file = path.join(dir, 'db.json');
    const store = await LowdbStore.open(file, { logger, writeDelayMs: 10, retryDelayMs: 50, shards: 4 });
    await store.saveSubscription(sampleSub('telegram:1'));
    await store.addItem(item(1));
    await store.flush();

    undo = makeReadOnly(dir);
    if (!undo) ctx.skip();
    // The journal's segment was opened before: appending to it still works, so each change is durable.
    await store.saveSubscription(sampleSub('telegram:2'));
    await store.addItem(item(2));
    await expect(store.flush()).rejects.toThrow();
    expect(logs.some((l) => l.level >= 50 && /could not write the data files/.test(l.msg))).toBe(true);
    const journal = readdirSync(dir)
      .filter((f) => f.includes('.journal.'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('');
    expect(journal).toContain('telegram:2');
    expect(journal).toContain('Item 2');

    // Commands are still served, from memory.
    expect(await store.getSubscription('telegram:2')).toBeDefined();
    expect((await store.queryItems({})).items.map((i) => i.headline)).toEqual(['Item 2', 'Item 1']);
    await store.saveSubscription(sampleSub('telegram:3'));

    undo?.();
    undo = undefined;
    const writes = store.writes;
    // The store retries by itself; no flush needed.
    for (let i = 0; i < 200 && store.writes === writes; i++) await new Promise((r) => setTimeout(r, 10));
    expect(store.writes).toBeGreaterThan(writes);
    await store.close();

    const reopened = await LowdbStore.open(file, { logger, shards: 4 });
    expect(
      reopened
        .allSubscriptions()
        .map((s) => s.settings.key)
        .sort(),
    ).toEqual(['telegram:1', 'telegram:2', 'telegram:3']);
    expect((await reopened.queryItems({})).total).toBe(2);
    await reopened.close();
  });
});
