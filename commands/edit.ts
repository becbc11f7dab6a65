import { arg, defineCommand } from '../src/core/command.js';
import { draftOf, itemArgs, itemForm, splitItemText } from '../src/core/item-text.js';
import { err } from '../src/core/result.js';

/** `/edit <id>`: replace an item's fields. */
export default defineCommand({
  name: 'edit',
  access: 'editor',
  args: { id: arg.itemId(), ...itemArgs },
  splitText(rest, tr) {
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(rest);
    if (!match) return err(tr.t('missing.itemId'));
    const item = splitItemText(match[2] ?? '', tr);
    return item.ok ? { ok: true, value: { id: match[1], ...item.value } } : item;
  },
  form: {
    ...itemForm,
    title: 'forms.edit',
    async prefill(newsroom, given) {
      const id = given.id === undefined ? undefined : Number(given.id);
      const item = id === undefined ? undefined : await newsroom.store.getItem(id);
      if (!item) return {};
      return {
        topic: item.topic,
        headline: item.headline,
        body: item.body,
        ...(item.sourceName !== undefined && { source: item.sourceName }),
        ...(item.sourceUrl !== undefined && { url: item.sourceUrl }),
      };
    },
  },
  run: (ctx, { id, ...item }) => ctx.newsroom.edit(id, draftOf(item), ctx.now, ctx.tr),
});
