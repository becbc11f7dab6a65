import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb.js';
import { describeStoreContract } from './contract.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('LowdbStore', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'briefcast-contract-'));
  dirs.push(dir);
  return LowdbStore.open(path.join(dir, 'db.json'), { logger: silentLogger, writeDelayMs: 5 });
});
