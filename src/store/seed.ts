import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserRef } from '../core/chat.js';
import { type ItemDraft, validateDraft } from '../core/items.js';
import type { ItemStore } from '../core/store.js';
import { parseTopics, type TopicCatalog } from '../core/topics.js';

/** The project's folder: the nearest one above this file holding `package.json` (works from `src/` and `dist/`). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // Bounded by the depth of the path: each turn moves one folder up until the root.
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Where the topics and the sample briefing live. */
export const TOPICS_FILE = path.join(projectRoot(), 'data', 'topics.json');
export const SAMPLE_FILE = path.join(projectRoot(), 'data', 'sample-briefing.json');

async function readJson(file: URL | string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${what} ${String(file)} cannot be read (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${what} ${String(file)} is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Reads the topic catalogue.
 * @throws Error naming the file and the problem
 */
export async function loadTopics(file: URL | string = TOPICS_FILE): Promise<TopicCatalog> {
  const parsed = parseTopics(await readJson(file, 'Topics file'));
  if (!parsed.ok) throw new Error(`Topics file ${String(file)}: ${parsed.error}`);
  return parsed.value;
}

interface SampleFile {
  author: UserRef;
  items: (ItemDraft & { publishedAt: string })[];
}

/**
 * Loads the sample briefing into `store` when it holds no items yet; returns how many were added.
 * @throws Error when the sample file is unreadable or an item in it is invalid
 */
export async function loadSample(
  store: ItemStore,
  topics: TopicCatalog,
  file: URL | string = SAMPLE_FILE,
): Promise<number> {
  if (Object.keys(await store.topicStats()).length > 0) return 0;
  const sample = (await readJson(file, 'Sample file')) as SampleFile;
  let added = 0;
  for (const entry of sample.items) {
    const checked = validateDraft(entry, topics);
    if (!checked.ok) throw new Error(`Sample file item "${entry.headline}": ${checked.error.join(' ')}`);
    const publishedAt = new Date(entry.publishedAt).toISOString();
    await store.addItem({ ...checked.value, author: sample.author, publishedAt, updatedAt: publishedAt });
    added++;
  }
  return added;
}
