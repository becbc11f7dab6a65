import type { DeskSession } from '../../../core/desk.js';
import { LANGUAGE_PACKS } from '../../../i18n/languages.js';
import type { MessageKey, MessageValues, Translator } from '../../../i18n/translator.js';
import { escapeHtml, html, type SafeHtml, trusted } from '../html.js';

/** The desk's sections, in the order the navigation lists them; each is named by `desk.sections.<id>`. */
export const SECTIONS = [
  { id: 'briefing', href: '/' },
  { id: 'write', href: '/write' },
  { id: 'search', href: '/search' },
  { id: 'deliveries', href: '/deliveries' },
  { id: 'wire', href: '/wire' },
] as const;

/** One of {@link SECTIONS}. */
export type SectionId = (typeof SECTIONS)[number]['id'];

/** Who a page is for: the language it speaks in, and on signed-in pages the session. */
export interface Viewer {
  readonly tr: Translator;
  /** Signed-in pages carry the navigation, the language switch and the sign-out button. */
  readonly session?: DeskSession;
  /** This page's address (a path), where the language switch comes back to. */
  readonly here?: string;
}

/** What every page is made of. */
export interface PageParts {
  readonly title: string;
  readonly body: SafeHtml;
  readonly viewer: Viewer;
  readonly section?: SectionId;
  /** A line at the top: what just happened, or what went wrong. */
  readonly notice?: { readonly text: string; readonly tone: 'ok' | 'error' };
  /** Our own scripts to load, from `/static/`. */
  readonly scripts?: readonly string[];
}

/**
 * The message `key` as HTML: its text escaped, and the placeholders named in `markup` filled with
 * markup the desk built (a link inside a sentence, where the language decides the word order).
 */
export function markup(
  tr: Translator,
  key: MessageKey,
  values: MessageValues,
  parts: Readonly<Record<string, SafeHtml>>,
): SafeHtml {
  const names = Object.keys(parts);
  // Control characters no message or value holds mark where each piece of markup goes.
  const marks = Object.fromEntries(names.map((name, i) => [name, `\u0001${i}\u0001`]));
  let out = escapeHtml(tr.t(key, { ...values, ...marks }));
  names.forEach((name, i) => {
    out = out.split(`\u0001${i}\u0001`).join(parts[name]!.value);
  });
  return trusted(out);
}

/** The switch to the desk's other languages: one button each, named in its own language. */
function languageSwitch(viewer: Viewer): SafeHtml {
  const { tr } = viewer;
  return html`<form class="language" method="post" action="/language">
      <input type="hidden" name="return" value="${viewer.here ?? '/'}">
      <span class="visually-hidden">${tr.t('desk.layout.language')}</span>
      ${LANGUAGE_PACKS.filter((p) => p.code !== tr.language).map(
        (p) =>
          html`<button type="submit" name="language" value="${p.code}" lang="${p.code}" title="${tr.t('desk.layout.switchTo', { name: p.name })}">${p.name}</button>`,
      )}
    </form>`;
}

/** A whole page: the stylesheet and scripts are files of ours (the CSP allows no inline script or style). */
export function page(parts: PageParts): SafeHtml {
  const { section, viewer } = parts;
  const { tr, session } = viewer;
  return html`<!doctype html>
<html lang="${tr.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${tr.t('desk.layout.title', { title: parts.title })}</title>
<link rel="stylesheet" href="/static/desk.css">
${(parts.scripts ?? []).map((s) => html`<script src="/static/${s}" defer></script>`)}
</head>
<body>
<header class="top">
  <a class="brand" href="${session ? '/' : '/signed-out'}">Briefcast <span>${tr.t('desk.layout.brand')}</span></a>
  ${
    session
      ? html`<nav aria-label="${tr.t('desk.layout.nav')}">
      <ul>${SECTIONS.map(
        (s) =>
          html`<li><a href="${s.href}"${s.id === section ? html` aria-current="page"` : ''}>${tr.t(`desk.sections.${s.id}`)}</a></li>`,
      )}</ul>
    </nav>
    <div class="account">
    ${languageSwitch(viewer)}
    <form class="sign-out" method="post" action="/sign-out">
      <span class="who">${session.user.name}</span>
      <button type="submit">${tr.t('desk.layout.signOut')}</button>
    </form>
    </div>`
      : ''
  }
</header>
<main id="main">
${parts.notice ? html`<p class="notice notice-${parts.notice.tone}" role="${parts.notice.tone === 'error' ? 'alert' : 'status'}">${parts.notice.text}</p>` : ''}
${parts.body}
</main>
</body>
</html>`;
}

/** A page of one heading and a few paragraphs, for the signed-out side and for refusals. */
export function plainPage(
  viewer: Viewer,
  title: string,
  paragraphs: readonly (string | SafeHtml)[],
  extra?: SafeHtml,
): SafeHtml {
  return page({
    title,
    viewer,
    body: html`<section class="card narrow">
      <h1>${title}</h1>
      ${paragraphs.map((p) => html`<p>${p}</p>`)}
      ${extra ?? ''}
    </section>`,
  });
}
