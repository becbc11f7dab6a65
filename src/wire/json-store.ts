import { JsonFile } from '../store/json-file.js';
import { EMPTY_WIRE, MemoryWireStore, type WireSnapshot } from './memory-store.js';

/**
 * A burst of changes (a poll round records one feed after another) is written once it has been
 * quiet this long; {@link JsonWireStore.flush} writes at once.
 */
const WRITE_DELAY_MS = 200;

/** The wire's file beside `DATABASE_FILE`: `data/db.json` → `data/db.wire.json`. */
export function wireFileFor(databaseFile: string): string {
  return databaseFile.endsWith('.json')
    ? `${databaseFile.slice(0, -5)}.wire.json`
    : `${databaseFile}.wire.json`;
}

function isWireSnapshot(value: unknown): value is WireSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.nextFeedId === 'number' &&
    typeof v.nextDraftId === 'number' &&
    Array.isArray(v.feeds) &&
    Array.isArray(v.drafts) &&
    typeof v.seen === 'object' &&
    typeof v.notified === 'object'
  );
}

/**
 * The wire's store for the embedded (lowdb) setup: everything in memory, written as one compact JSON
 * file through lowdb (a temporary file renamed over the old one), a moment after each burst of
 * changes and at {@link flush}. A poll's drafts and the keys it marked seen are in the same write,
 * so a restart can lose the last moment's poll (then polled again, once) but never repeat one.
 * A file that is not the wire's stops the start and is left untouched.
 */
export class JsonWireStore extends MemoryWireStore {
  readonly #file: JsonFile<WireSnapshot>;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;

  private constructor(file: JsonFile<WireSnapshot>, snapshot: WireSnapshot) {
    super(snapshot);
    this.#file = file;
  }

  /**
   * Opens (or starts) the wire file.
   * @throws StoreError naming the file when it is unreadable or not the wire's
   */
  static async open(path: string): Promise<JsonWireStore> {
    const file = new JsonFile<WireSnapshot>(path);
    const snapshot = (await file.read(isWireSnapshot, 'Wire file')) ?? EMPTY_WIRE;
    return new JsonWireStore(file, snapshot);
  }

  protected override changed(): void {
    this.#dirty = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush().catch(() => {
        // Kept in memory and written with the next change or at close.
      });
    }, WRITE_DELAY_MS);
    this.#timer.unref();
  }

  override async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const write = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        await this.#file.write(this.snapshot());
      } catch (e) {
        this.#dirty = true;
        throw e;
      }
    });
    this.#writing = write.catch(() => {});
    await write;
  }

  override async close(): Promise<void> {
    await this.flush();
  }
}
