import { type LinkState, SESSION_MS, SIGN_IN_LINK_MS } from '../auth.js';
import { html, type SafeHtml } from '../html.js';
import { page, plainPage, type Viewer } from './layout.js';

/** A sign-in link's lifetime and a session's, in the words of the pages that mention them. */
const LINK_MINUTES = SIGN_IN_LINK_MS / 60_000;
const SESSION_HOURS = SESSION_MS / 3_600_000;

/**
 * The page a valid link opens: a form that signs in when submitted. Opening the link does not use
 * it — link previews and scanners fetch links too — so our script submits the form at once, and
 * without scripts the button does it.
 */
export function signInPage(viewer: Viewer, token: string): SafeHtml {
  const { tr } = viewer;
  return page({
    title: tr.t('desk.signIn.title'),
    viewer,
    scripts: ['sign-in.js'],
    body: html`<section class="card narrow">
      <h1>${tr.t('desk.signIn.heading')}</h1>
      <form id="sign-in-form" method="post" action="/sign-in">
        <input type="hidden" name="token" value="${token}">
        <button type="submit">${tr.t('desk.signIn.continue')}</button>
      </form>
    </section>`,
  });
}

/** The page a link that cannot sign in opens, saying why. */
export function linkRefusedPage(viewer: Viewer, state: Exclude<LinkState, 'valid'>): SafeHtml {
  const { tr } = viewer;
  const why = {
    used: tr.t('desk.signIn.used'),
    expired: tr.t('desk.signIn.expired', { minutes: LINK_MINUTES }),
    unknown: tr.t('desk.signIn.unknown'),
  }[state];
  return plainPage(viewer, tr.t('desk.signIn.refusedTitle'), [why, tr.t('desk.signIn.askAgain')]);
}

/** The page for an address that sent too many bad links. */
export function rateLimitedPage(viewer: Viewer, minutes: number): SafeHtml {
  const { tr } = viewer;
  return plainPage(viewer, tr.t('desk.signIn.rateLimitedTitle'), [
    tr.t('desk.signIn.rateLimited', { count: minutes }),
    tr.t('desk.signIn.askAgain'),
  ]);
}

/** The plain page for anyone without a session. */
export function signedOutPage(viewer: Viewer): SafeHtml {
  const { tr } = viewer;
  return plainPage(viewer, tr.t('desk.signIn.signedOutTitle'), [tr.t('desk.signIn.signedOut')]);
}

/** The answer to a request that did not come from the desk's own pages (another site's form). */
export function refusedPage(viewer: Viewer): SafeHtml {
  const { tr } = viewer;
  return plainPage(viewer, tr.t('desk.signIn.requestRefusedTitle'), [tr.t('desk.signIn.requestRefused')]);
}

/**
 * The answer to a form sent after the session ended: it says so, and shows what was typed so that
 * nothing is lost while the editor asks for a new link.
 */
export function sessionEndedPage(viewer: Viewer, typed: readonly (readonly [string, string])[]): SafeHtml {
  const { tr } = viewer;
  const kept = typed.filter(([, value]) => value.trim() !== '');
  return plainPage(
    viewer,
    tr.t('desk.signIn.endedTitle'),
    [
      tr.t('desk.signIn.ended', { hours: SESSION_HOURS }),
      ...(kept.length > 0 ? [tr.t('desk.signIn.kept')] : []),
    ],
    html`${kept.map(
      ([label, value], i) =>
        html`<label for="kept-${i}">${label}</label><textarea id="kept-${i}" readonly rows="${Math.min(12, value.split('\n').length + 1)}">${value}</textarea>`,
    )}`,
  );
}
