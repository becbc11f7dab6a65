import { arg, defineCommand } from '../src/core/command.js';
import { draftOf, itemArgs, itemForm, splitItemText } from '../src/core/item-text.js';
import { err } from '../src/core/result.js';

/** `/edit <id>`: replace an item's fields. */
export default defineCommand({
  name: 'edit',
  description: 'Replace a news item’s topic, headline, body and source (editors)',
  access: 'editor',
  args: { id: arg.itemId({ description: 'The item’s id (#12)' }), ...itemArgs },
  usage: '/edit <id> <topic> <headline> ⏎ <body> ⏎ [Source: NAME URL]',
  examples: [
    '/edit 12 mining A corrected headline ⏎ The corrected text. ⏎ Source: NDRC https://www.ndrc.gov.cn/',
  ],
  splitText(rest) {
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(rest);
    if (!match) return err('The item id is missing.');
    const item = splitItemText(match[2] ?? '');
    return item.ok ? { ok: true, value: { id: match[1], ...item.value } } : item;
  },
  form: {
    ...itemForm,
    title: 'Edit news item',
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
  run: (ctx, { id, ...item }) => ctx.newsroom.edit(id, draftOf(item), ctx.now),
});
