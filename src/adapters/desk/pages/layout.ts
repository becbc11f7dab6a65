import type { DeskSession } from '../../../core/desk.js';
import { html, type SafeHtml } from '../html.js';

/** The desk's sections, in the order the navigation lists them. */
export const SECTIONS = [
  { id: 'briefing', label: 'Briefing', href: '/' },
  { id: 'write', label: 'Write', href: '/write' },
  { id: 'search', label: 'Search', href: '/search' },
  { id: 'deliveries', label: 'Deliveries', href: '/deliveries' },
  { id: 'wire', label: 'Wire', href: '/wire' },
] as const;

/** One of {@link SECTIONS}. */
export type SectionId = (typeof SECTIONS)[number]['id'];

/** What every page is made of. */
export interface PageParts {
  readonly title: string;
  readonly body: SafeHtml;
  /** Signed-in pages carry the navigation and the sign-out button. */
  readonly session?: DeskSession;
  readonly section?: SectionId;
  /** A line at the top: what just happened, or what went wrong. */
  readonly notice?: { readonly text: string; readonly tone: 'ok' | 'error' };
  /** Our own scripts to load, from `/static/`. */
  readonly scripts?: readonly string[];
}

/** A whole page: the stylesheet and scripts are files of ours (the CSP allows no inline script or style). */
export function page(parts: PageParts): SafeHtml {
  const { session, section } = parts;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${parts.title} · Briefcast desk</title>
<link rel="stylesheet" href="/static/desk.css">
${(parts.scripts ?? []).map((s) => html`<script src="/static/${s}" defer></script>`)}
</head>
<body>
<header class="top">
  <a class="brand" href="${session ? '/' : '/signed-out'}">Briefcast <span>desk</span></a>
  ${
    session
      ? html`<nav aria-label="Desk">
      <ul>${SECTIONS.map(
        (s) =>
          html`<li><a href="${s.href}"${s.id === section ? html` aria-current="page"` : ''}>${s.label}</a></li>`,
      )}</ul>
    </nav>
    <form class="sign-out" method="post" action="/sign-out">
      <span class="who">${session.user.name}</span>
      <button type="submit">Sign out</button>
    </form>`
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

/** A page of one heading and a few paragraphs, for the signed-out side. */
export function plainPage(
  title: string,
  paragraphs: readonly (string | SafeHtml)[],
  extra?: SafeHtml,
): SafeHtml {
  return page({
    title,
    body: html`<section class="card narrow">
      <h1>${title}</h1>
      ${paragraphs.map((p) => html`<p>${p}</p>`)}
      ${extra ?? ''}
    </section>`,
  });
}
