import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The desk's own files, served under `/static/`: nothing comes from anywhere else (no CDN). */
const FILES = {
  'desk.css': 'text/css; charset=utf-8',
  'desk.js': 'text/javascript; charset=utf-8',
  'sign-in.js': 'text/javascript; charset=utf-8',
} as const;

/** A static file, loaded once. */
export interface Asset {
  readonly body: string;
  readonly type: string;
}

/** The folder of the static files: `src/adapters/desk/static` under the project (from `src/` and `dist/` alike). */
function staticDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // Bounded by the depth of the path: each turn moves one folder up until the root.
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'src', 'adapters', 'desk', 'static');
}

/** Reads the static files into memory, by name. */
export async function loadAssets(): Promise<ReadonlyMap<string, Asset>> {
  const dir = staticDir();
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(FILES)) {
    assets.set(name, { body: await readFile(path.join(dir, name), 'utf8'), type });
  }
  return assets;
}
