import { ComponentType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Item } from '../../../src/core/items.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { type Harness, type HarnessOptions, startHarness, textOf } from './harness.js';

let h: Harness | undefined;
async function start(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A store whose item reads can be made to fail or to be slow, to exercise the adapter's own error and deferral paths. */
class TroubledStore extends MemoryStore {
  failItems = false;
  slowItemsMs = 0;
  override async getItem(id: number): Promise<Item | undefined> {
    if (this.failItems) throw new Error('the disk is on fire');
    if (this.slowItemsMs > 0) await new Promise((resolve) => setTimeout(resolve, this.slowItemsMs));
    return super.getItem(id);
  }
}

interface ModalInput {
  type: number;
  custom_id: string;
  value?: string;
}
function modalInputs(components: readonly unknown[]): Record<string, ModalInput> {
  const inputs: Record<string, ModalInput> = {};
  for (const c of components as { type: number; component: ModalInput }[]) {
    expect(c.type).toBe(ComponentType.Label);
    inputs[c.component.custom_id] = c.component;
  }
  return inputs;
}

describe('Discord editor commands', () => {
  it('/post with topic, headline and body posts at once and shows the item', async () => {
    const { command, store } = await start();
    const answer = await command('post', 'editor', {
      topic: 'nft',
      headline: 'A new NFT rule',
      body: 'The text.',
      url: 'https://example.com/a',
    });
    expect(answer.kind).toBe('message');
    expect(answer.embeds?.[0]?.title).toMatch(/^Posted #\d+ in 🖼️ NFTs$/);
    expect(textOf(answer)).toContain('[example.com](https://example.com/a)');
    const id = Number(/#(\d+)/.exec(answer.embeds?.[0]?.title ?? '')?.[1]);
    expect(await store.getItem(id)).toMatchObject({
      topic: 'nft',
      headline: 'A new NFT rule',
      author: { platform: 'discord', name: 'edna' },
    });
  });

  it('/post without a body opens the form with what was given; its submit posts the item', async () => {
    const { interact, store } = await start();
    const opened = await interact('command', 'editor', {
      name: 'post',
      options: { topic: 'mining', headline: 'Half typed' },
    }).settled();
    expect(opened.kind).toBe('modal');
    const modal = opened.modal!;
    expect(modal.custom_id).toBe('form:post');
    const inputs = modalInputs(modal.components);
    expect(inputs.topic?.value).toBe('mining');
    expect(inputs.headline?.value).toBe('Half typed');
    expect(inputs.body?.value).toBeUndefined();

    const submitted = await interact('modal', 'editor', {
      customId: modal.custom_id,
      fields: {
        topic: 'mining',
        headline: 'Half typed, now whole',
        body: 'First paragraph.\n\nSecond paragraph.',
        source: 'NDRC',
        url: '',
      },
    }).settled();
    expect(submitted.kind).toBe('message');
    expect(submitted.ephemeral).toBe(false);
    expect(textOf(submitted)).toContain('Half typed, now whole');
    const id = Number(/#(\d+)/.exec(submitted.embeds?.[0]?.title ?? '')?.[1]);
    expect(await store.getItem(id)).toMatchObject({
      headline: 'Half typed, now whole',
      body: 'First paragraph.\n\nSecond paragraph.',
      sourceName: 'NDRC',
    });
  });

  it('/edit with only an id opens the form prefilled from the item, and its submit replaces it', async () => {
    const { interact, store } = await start();
    const before = await store.getItem(1);
    const opened = await interact('command', 'editor', { name: 'edit', options: { id: 1 } }).settled();
    expect(opened.modal?.custom_id).toBe('form:edit?id=1');
    const inputs = modalInputs(opened.modal!.components);
    expect(inputs.topic?.value).toBe(before?.topic);
    expect(inputs.headline?.value).toBe(before?.headline);
    expect(inputs.body?.value).toBe(before?.body);
    expect(inputs.url?.value).toBe(before?.sourceUrl);

    const submitted = await interact('modal', 'editor', {
      customId: opened.modal!.custom_id,
      fields: { topic: 'policy', headline: 'Corrected', body: 'Corrected body.', source: '', url: '' },
    }).settled();
    expect(submitted.embeds?.[0]?.title).toBe('Updated #1');
    expect(await store.getItem(1)).toMatchObject({
      topic: 'policy',
      headline: 'Corrected',
      body: 'Corrected body.',
    });
  });

  it('refuses /post to a server admin who is not an editor, without opening the form', async () => {
    const { command } = await start();
    const answer = await command('post', 'serverAdmin', { topic: 'nft' });
    expect(answer.kind).toBe('message');
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('for the newsroom');
  });

  it('re-checks the editor on a form submit', async () => {
    const { interact, store } = await start();
    const before = (await store.topicStats()).nft?.count;
    const answer = await interact('modal', 'serverAdmin', {
      customId: 'form:post',
      fields: { topic: 'nft', headline: 'H', body: 'B' },
    }).settled();
    expect(answer.ephemeral).toBe(true);
    expect((await store.topicStats()).nft?.count).toBe(before);
  });

  it('/delete, /digest and /stats work for an editor', async () => {
    const { command, store } = await start();
    expect((await command('delete', 'editor', { id: 2 })).content).toMatch(/^Deleted #2: /);
    expect(await store.getItem(2)).toBeUndefined();
    const digest = await command('digest', 'editor');
    expect(digest.embeds?.[0]?.title).toMatch(/^Preview: /);
    const stats = await command('stats', 'editor');
    expect(stats.embeds?.[0]?.title).toBe('Briefcast stats');
  });

  it('answers a handler failure with an ephemeral apology, and keeps serving', async () => {
    const store = new TroubledStore();
    const { command, adapter } = await start({ store });
    store.failItems = true;
    const answer = await command('edit', 'editor', { id: 1 });
    expect(answer).toMatchObject({ kind: 'message', ephemeral: true });
    expect(answer.content).toContain('Sorry, something went wrong');
    store.failItems = false;
    expect((await command('help', 'member')).kind).toBe('message');
    expect(adapter.isConnected()).toBe(true);
  });

  it('defers a slow reply, then edits it in', async () => {
    const store = new TroubledStore();
    const { interact } = await start({ store, deferAfterMs: 30 });
    store.slowItemsMs = 150;
    const record = interact('command', 'editor', {
      name: 'edit',
      options: { id: 1, topic: 'nft', headline: 'Slow', body: 'Slowly.' },
    });
    const answer = await record.settled();
    expect(record.callbacks[0]?.type).toBe(5);
    expect(answer.ephemeral).toBe(false);
    expect(answer.embeds?.[0]?.title).toBe('Updated #1');
  });

  it('sends a slow mistake privately after deferring: the placeholder goes, the answer follows ephemerally', async () => {
    const store = new TroubledStore();
    const { interact } = await start({ store, deferAfterMs: 30 });
    store.slowItemsMs = 150;
    const record = interact('command', 'editor', {
      name: 'edit',
      options: { id: 999, topic: 'nft', headline: 'H', body: 'B' },
    });
    const answer = await record.settled();
    expect(record.callbacks[0]?.type).toBe(5);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('There is no item #999');
    expect(record.deleted).toBe(true);
  });
});
