import type { Action, Block, Doc } from './document.js';

/** Renders one block as plain text. */
export function renderBlockText(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return block.text;
    case 'section':
      return `== ${block.text} ==`;
    case 'list':
      return block.entries.map((e) => `• ${e}`).join('\n');
    case 'fields':
      return block.entries.map(([label, value]) => `${label}: ${value}`).join('\n');
    case 'item': {
      const { item } = block;
      const id = block.showId ? ` [#${item.id}]` : '';
      const source = [item.sourceName, item.sourceUrl].filter(Boolean).join(' ');
      const footer = source ? `— ${source}, ${item.dateLabel}` : `— ${item.dateLabel}`;
      return `▸ ${item.headline}${id}\n${item.body}\n${footer}`;
    }
  }
}

/** A row of buttons as text: each with the command that does the same (`[✅ Publish 12] /wire publish 12`). */
function actionRowText(row: readonly Action[]): string {
  return row.map((a) => (a.disabled ? `(${a.label})` : `[${a.label}] /${a.data}`)).join('   ');
}

/** Renders a document as plain text: the console's form, and a fallback for any platform. */
export function renderText(doc: Doc): string {
  const parts = doc.blocks.map(renderBlockText);
  if (doc.title) parts.unshift(doc.title.toUpperCase());
  const rows = (doc.actions ?? []).filter((row) => row.length > 0);
  if (rows.length > 0) parts.push(rows.map(actionRowText).join('\n'));
  return parts.join('\n\n');
}
