import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import { type Block, type Doc, type ItemView, packBlocks } from '../../core/document.js';
import { isWebUrl } from '../../core/items.js';

/**
 * Discord's message and embed limits.
 * @see https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */
export const DISCORD_LIMITS = {
  /** `content` of a message. */
  content: 2000,
  /** Embeds in one message. */
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  fieldsPerEmbed: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  /** Title, description, field names and values, footer and author text of all embeds of one message. */
  embedTotal: 6000,
} as const;

/** Mention nobody: `@everyone` in an item stays text. Discord's default for bot messages parses every kind. */
export const NO_MENTIONS = { parse: [] } as const;

/**
 * One Discord message as the bot sends it, in Discord's JSON shape (the body of
 * `POST /channels/{id}/messages` without `nonce`). Every payload carries {@link NO_MENTIONS}.
 */
export interface DiscordPayload {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly allowed_mentions: typeof NO_MENTIONS;
  /** The document's buttons, on its last message. */
  readonly components?: readonly APIActionRowComponent<APIButtonComponentWithCustomId>[];
}

/** Discord's button styles. @see https://discord.com/developers/docs/components/reference#button-button-styles */
const BUTTON_STYLE = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
} as const;

/** Discord allows 80 characters on a button. */
const BUTTON_LABEL_MAX = 80;

/** A document's buttons as action rows; `undefined` when it has none. */
export function componentsOf(actions: Doc['actions']): DiscordPayload['components'] {
  const rows = (actions ?? [])
    .filter((row) => row.length > 0)
    .map((row) => ({
      type: ComponentType.ActionRow as const,
      components: row.map((a) => ({
        type: ComponentType.Button as const,
        style: BUTTON_STYLE[a.style ?? 'secondary'],
        label: truncate(a.label, BUTTON_LABEL_MAX),
        custom_id: a.data,
        ...(a.disabled && { disabled: true }),
      })),
    }));
  return rows.length > 0 ? rows : undefined;
}

/** Puts the document's buttons on its last message. */
function withComponents(payloads: DiscordPayload[], doc: Doc): DiscordPayload[] {
  const components = componentsOf(doc.actions);
  const last = payloads.at(-1);
  if (components !== undefined && last !== undefined) payloads[payloads.length - 1] = { ...last, components };
  return payloads;
}

/** Briefcast's embed colour, and the one for replies to mistakes. */
const COLOR = { normal: 0x2b6cb0, error: 0xc53030 } as const;

/** Separates blocks in `content` and in embed descriptions. */
const BLOCK_SEPARATOR = '\n\n';

/** Characters that start or end Discord markdown anywhere in a line. */
const INLINE_MARKDOWN = /[\\*_~`|[\]]/g;
/** Headings, subtext and quotes (`#`, `-#`, `>`), and bulleted lists, at the start of a line. */
const LINE_MARKDOWN = /^(\s*)([#>]|[-+](?=[\s#]))/gm;
/** Numbered lists: `1. ` at the start of a line. */
const NUMBERED_LIST = /^(\s*\d+)\.(?=\s)/gm;

/**
 * Escapes Discord markdown in plain text: every string in a {@link Doc} is plain text, and an item's
 * `*`, `_`, `#` or `[x](y)` must show as typed rather than restyle the message or forge a link.
 * Linear time (discord.js's `escapeMarkdown` takes tens of milliseconds on a long body).
 */
export function escapeText(text: string): string {
  return text
    .replace(INLINE_MARKDOWN, '\\$&')
    .replace(LINE_MARKDOWN, '$1\\$2')
    .replace(NUMBERED_LIST, '$1\\.');
}

/** A URL as the target of a masked link: characters that would end `(…)` early are percent-encoded. */
function linkTarget(url: string): string {
  return url.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `— [NDRC](https://…) · 11 Jan 2022`: the source is linked only when its URL is http(s). */
function sourceLine(item: ItemView): string {
  const name = item.sourceName !== undefined ? escapeText(item.sourceName) : undefined;
  let source = name;
  if (item.sourceUrl !== undefined && isWebUrl(item.sourceUrl)) {
    const text = name ?? escapeText(new URL(item.sourceUrl).hostname);
    source = `[${text}](${linkTarget(item.sourceUrl)})`;
  }
  return source === undefined ? `— ${item.dateLabel}` : `— ${source} · ${item.dateLabel}`;
}

function itemHeading(item: ItemView, showId: boolean | undefined): string {
  return showId ? `${escapeText(item.headline)} · #${item.id}` : escapeText(item.headline);
}

function muted(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? line : `*${escapeText(line)}*`))
    .join('\n');
}

/** A block as markdown text (for `content`, and for descriptions when it is not a field). */
function blockText(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return block.style === 'muted' ? muted(block.text) : escapeText(block.text);
    case 'section':
      return `**${escapeText(block.text)}**`;
    case 'list':
      return block.entries.map((e) => `• ${escapeText(e)}`).join('\n');
    case 'fields':
      return block.entries
        .map(([label, value]) => `**${escapeText(label)}:** ${escapeText(value)}`)
        .join('\n');
    case 'item':
      return `**${itemHeading(block.item, block.showId)}**\n${escapeText(block.item.body)}\n${sourceLine(block.item)}`;
  }
}

/** What a document is laid out from, in order. */
type Unit =
  /** Starts an embed with this title (the document's title or a topic section's). */
  | { readonly kind: 'title'; readonly text: string }
  /** Goes into the current embed's description. */
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly field: APIEmbedField }
  /** The closing note, shown as the last embed's footer. */
  | { readonly kind: 'footer'; readonly text: string };

function fits(field: APIEmbedField): boolean {
  return field.name.length <= DISCORD_LIMITS.fieldName && field.value.length <= DISCORD_LIMITS.fieldValue;
}

function blockUnits(block: Block): Unit[] {
  switch (block.type) {
    case 'section':
      return [{ kind: 'title', text: escapeText(block.text) }];
    case 'item': {
      const field = {
        name: itemHeading(block.item, block.showId),
        value: `${escapeText(block.item.body)}\n${sourceLine(block.item)}`,
      };
      // Item bodies run to 1,500 characters and a field value holds 1,024: long items go in the description.
      return [fits(field) ? { kind: 'field', field } : { kind: 'text', text: blockText(block) }];
    }
    case 'fields': {
      const fields = block.entries.map(([label, value]) => ({
        name: escapeText(label),
        value: escapeText(value) || '—',
        inline: true,
      }));
      return fields.every(fits)
        ? fields.map((field) => ({ kind: 'field', field }))
        : [{ kind: 'text', text: blockText(block) }];
    }
    default:
      return [{ kind: 'text', text: blockText(block) }];
  }
}

/** Units of a document; a closing muted note becomes the footer (footers show plain text, unescaped). */
function docUnits(doc: Doc): Unit[] {
  const blocks = [...doc.blocks];
  const last = blocks.at(-1);
  let footer: Unit | undefined;
  if (
    last?.type === 'paragraph' &&
    last.style === 'muted' &&
    blocks.length > 1 &&
    last.text.length <= DISCORD_LIMITS.footerText
  ) {
    blocks.pop();
    footer = { kind: 'footer', text: last.text };
  }
  const units: Unit[] = doc.title === undefined ? [] : [{ kind: 'title', text: escapeText(doc.title) }];
  for (const block of blocks) units.push(...blockUnits(block));
  if (footer) units.push(footer);
  return units;
}

interface EmbedDraft {
  title?: string;
  description: string;
  fields: APIEmbedField[];
  footer?: string;
}

function draftSize(e: EmbedDraft): number {
  return (
    (e.title?.length ?? 0) +
    e.description.length +
    e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0) +
    (e.footer?.length ?? 0)
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Lays units out in embeds and messages within Discord's limits. An embed shows its description
 * above its fields, so text that follows a field opens a new embed, keeping the document's order.
 * A message is closed when the next unit would pass 10 embeds or 6,000 characters; a topic section
 * that goes on in the next message repeats its title there, marked "(continued)".
 */
function layOut(units: readonly Unit[], color: number): APIEmbed[][] {
  const messages: EmbedDraft[][] = [];
  let message: EmbedDraft[] = [];
  let embed: EmbedDraft | undefined;
  /** The title of the next embed, set by a title unit and used once content for it arrives. */
  let pendingTitle: string | undefined;
  /** The title in force, repeated when its content goes on in the next message. */
  let section: string | undefined;
  const used = () => message.reduce((n, e) => n + draftSize(e), 0);
  const closeMessage = () => {
    if (message.length > 0) messages.push(message);
    message = [];
    embed = undefined;
  };
  /** Opens an embed for `size` characters of content, in a new message when this one is full. */
  const open = (size: number): EmbedDraft => {
    let title = pendingTitle;
    pendingTitle = undefined;
    if (
      message.length >= DISCORD_LIMITS.embedsPerMessage ||
      used() + (title?.length ?? 0) + size > DISCORD_LIMITS.embedTotal
    ) {
      closeMessage();
      if (title === undefined && section !== undefined)
        title = truncate(`${section} (continued)`, DISCORD_LIMITS.embedTitle);
    }
    const fresh: EmbedDraft = { description: '', fields: [] };
    if (title !== undefined) fresh.title = title;
    message.push(fresh);
    embed = fresh;
    return fresh;
  };
  /** The embed the next `size` characters go in: the current one if they fit there, else a new one. */
  const target = (size: number, inDescription: boolean): EmbedDraft => {
    const current = embed;
    if (current && used() + size <= DISCORD_LIMITS.embedTotal) {
      if (!inDescription && current.fields.length < DISCORD_LIMITS.fieldsPerEmbed) return current;
      if (
        inDescription &&
        current.fields.length === 0 &&
        current.description.length + size <= DISCORD_LIMITS.embedDescription
      )
        return current;
    }
    return open(size);
  };

  for (const unit of units) {
    switch (unit.kind) {
      case 'title':
        // A title straight after another (a document title, then a section) keeps an embed of its own.
        if (pendingTitle !== undefined) open(0);
        embed = undefined;
        pendingTitle = truncate(unit.text, DISCORD_LIMITS.embedTitle);
        section = unit.text;
        break;
      case 'text':
        // A block longer than a description (an item of 1,500 characters full of escapes and a long
        // URL) is the one thing cut inside a block.
        for (const piece of cutMarkdown(unit.text, DISCORD_LIMITS.embedDescription)) {
          const into = target(piece.length + BLOCK_SEPARATOR.length, true);
          into.description =
            into.description === '' ? piece : `${into.description}${BLOCK_SEPARATOR}${piece}`;
        }
        break;
      case 'field':
        target(unit.field.name.length + unit.field.value.length, false).fields.push(unit.field);
        break;
      case 'footer': {
        const current = embed;
        const into =
          current && used() + unit.text.length <= DISCORD_LIMITS.embedTotal
            ? current
            : open(unit.text.length);
        into.footer = unit.text;
        break;
      }
    }
  }
  // A title with nothing after it still shows.
  if (pendingTitle !== undefined) open(0);
  closeMessage();
  return messages.map((drafts) =>
    drafts.map((d) => {
      const out: APIEmbed = { color };
      if (d.title !== undefined) out.title = d.title;
      if (d.description !== '') out.description = d.description;
      if (d.fields.length > 0) out.fields = d.fields;
      if (d.footer !== undefined) out.footer = { text: d.footer };
      return out;
    }),
  );
}

/** Breaks markdown text into pieces of at most `limit`, at line or word boundaries where it can. */
function cutMarkdown(text: string, limit: number): string[] {
  return packBlocks([text], limit, '\n');
}

/** A document that is only paragraphs, with no title: a short answer, an error, a confirmation. */
function isPlain(doc: Doc): boolean {
  return doc.title === undefined && doc.blocks.every((b) => b.type === 'paragraph');
}

/**
 * Renders a document as Discord messages. Short plain answers (paragraphs only, no title) go as
 * `content`, split at paragraph boundaries within 2,000 characters. Everything else goes as embeds:
 * the title opens the first embed; each topic section opens an embed titled with the topic; items
 * become fields (headline as the name; body, source link and date as the value) when they fit a
 * field (1,024), otherwise they go into the description, which holds paragraphs and lists too;
 * label/value pairs become inline fields; a closing note becomes the footer. Each item ends with its
 * source — linked only when the URL is http(s) — and its date, since one embed holds several items
 * and has one footer. Messages split between blocks, never inside one unless it alone is too long.
 * Every payload sets `allowed_mentions: { parse: [] }`.
 */
export function renderDiscord(doc: Doc): DiscordPayload[] {
  if (isPlain(doc)) {
    const blocks = doc.blocks.map(blockText).filter((text) => text !== '');
    const parts = packBlocks(blocks, DISCORD_LIMITS.content, BLOCK_SEPARATOR).map(
      (content): DiscordPayload => ({ content, allowed_mentions: NO_MENTIONS }),
    );
    return withComponents(parts, doc);
  }
  const color = doc.tone === 'error' ? COLOR.error : COLOR.normal;
  return withComponents(
    layOut(docUnits(doc), color).map((embeds): DiscordPayload => ({ embeds, allowed_mentions: NO_MENTIONS })),
    doc,
  );
}

/** Characters that count toward the 6,000 limit in one payload's embeds. */
export function embedsLength(embeds: readonly APIEmbed[]): number {
  return embeds.reduce(
    (n, e) =>
      n +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0) +
      (e.footer?.text.length ?? 0) +
      (e.author?.name.length ?? 0),
    0,
  );
}
