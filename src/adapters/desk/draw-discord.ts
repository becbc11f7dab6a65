import type { APIEmbed } from 'discord.js';
import { isWebUrl } from '../../core/items.js';
import type { Translator } from '../../i18n/translator.js';
import { DISCORD_LIMITS, type DiscordPayload, embedsLength } from '../discord/render.js';
import { escapeHtml, html, type SafeHtml, trusted } from './html.js';

/** The embed colour the Discord renderer uses for replies to mistakes (`render.ts`). */
const ERROR_COLOR = 0xc53030;

/** Finds the `](url)` that closes a masked link opened at `start` (`[`); -1 when there is none. */
function linkEnd(md: string, start: number): { textEnd: number; urlEnd: number } | undefined {
  for (let i = start + 1; i < md.length; i++) {
    if (md[i] === '\\') {
      i++;
      continue;
    }
    if (md[i] === ']') {
      if (md[i + 1] !== '(') return undefined;
      const close = md.indexOf(')', i + 2);
      return close === -1 ? undefined : { textEnd: i, urlEnd: close };
    }
  }
  return undefined;
}

/**
 * The Discord markdown the renderer writes (`**bold**`, `*italic*`, `[text](url)`, `\` escapes) as
 * web HTML, every character of text escaped. Line breaks stay as `\n` (the page shows them with
 * `white-space: pre-wrap`).
 */
export function discordMarkdownToWeb(md: string): string {
  let out = '';
  let strong = false;
  let em = false;
  for (let i = 0; i < md.length; i++) {
    const ch = md[i]!;
    if (ch === '\\' && i + 1 < md.length && /[!-/:-@[-`{-~]/.test(md[i + 1]!)) {
      out += escapeHtml(md[i + 1]!);
      i++;
    } else if (ch === '*' && md[i + 1] === '*') {
      out += strong ? '</strong>' : '<strong>';
      strong = !strong;
      i++;
    } else if (ch === '*') {
      out += em ? '</em>' : '<em>';
      em = !em;
    } else if (ch === '[' && linkEnd(md, i)) {
      const end = linkEnd(md, i)!;
      const text = discordMarkdownToWeb(md.slice(i + 1, end.textEnd));
      const url = md.slice(end.textEnd + 2, end.urlEnd);
      out += isWebUrl(url)
        ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow" target="_blank">${text}</a>`
        : text;
      i = end.urlEnd;
    } else {
      out += escapeHtml(ch);
    }
  }
  if (em) out += '</em>';
  if (strong) out += '</strong>';
  return out;
}

const md = (text: string) => trusted(discordMarkdownToWeb(text));

/** Characters one message counts against Discord's limit: its content, or its embeds' text. */
export function discordMessageLength(payload: DiscordPayload): { length: number; limit: number } {
  return payload.content !== undefined
    ? { length: payload.content.length, limit: DISCORD_LIMITS.content }
    : { length: embedsLength(payload.embeds ?? []), limit: DISCORD_LIMITS.embedTotal };
}

/** The first line of a message as text, to say where a long digest is split. */
export function discordFirstLine(payload: DiscordPayload): string {
  const embed = payload.embeds?.[0];
  const first = payload.content ?? embed?.title ?? embed?.description ?? embed?.fields?.[0]?.name ?? '';
  return (first.split('\n')[0] ?? '').replace(/\\(.)/g, '$1').replace(/\*/g, '');
}

function drawEmbed(embed: APIEmbed): SafeHtml {
  const description = embed.description ?? '';
  const over = description.length > DISCORD_LIMITS.embedDescription;
  return html`<div class="dc-embed${embed.color === ERROR_COLOR ? ' dc-embed-error' : ''}">
    ${embed.title !== undefined ? html`<div class="dc-embed-title">${md(embed.title)}</div>` : ''}
    ${description !== '' ? html`<div class="dc-embed-description${over ? ' over' : ''}">${md(description)}</div>` : ''}
    ${
      embed.fields?.length
        ? html`<div class="dc-fields">${embed.fields.map(
            (f) =>
              html`<div class="dc-field${f.inline ? ' dc-inline' : ''}"><div class="dc-field-name">${md(f.name)}</div><div class="dc-field-value">${md(f.value)}</div></div>`,
          )}</div>`
        : ''
    }
    ${embed.footer ? html`<div class="dc-footer">${embed.footer.text}</div>` : ''}
  </div>`;
}

/** Discord messages drawn as the bot's posts with their embeds, each with its count against the limit (in `tr`'s words). */
export function drawDiscord(payloads: readonly DiscordPayload[], tr: Translator): SafeHtml {
  return html`<div class="dc-chat">${payloads.map((payload, i) => {
    const { length, limit } = discordMessageLength(payload);
    return html`<div class="dc-message">
      <div class="dc-avatar" aria-hidden="true">B</div>
      <div class="dc-body">
        <div class="dc-author">Briefcast <span class="dc-app">${tr.t('desk.preview.app')}</span></div>
        ${payload.content !== undefined ? html`<div class="dc-content">${md(payload.content)}</div>` : ''}
        ${(payload.embeds ?? []).map(drawEmbed)}
        <div class="dc-meta${length > limit ? ' over' : ''}">${payloads.length > 1 ? tr.t('desk.preview.messageOf', { n: i + 1, total: payloads.length }) : ''}${tr.t(payload.content === undefined ? 'desk.preview.embedCharacters' : 'desk.preview.characters', { length, limit })}</div>
      </div>
    </div>`;
  })}</div>`;
}
