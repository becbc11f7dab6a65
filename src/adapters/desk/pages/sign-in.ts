import type { LinkState } from '../auth.js';
import { html, type SafeHtml } from '../html.js';
import { page, plainPage } from './layout.js';

const ASK_AGAIN = 'Send /desk to the bot in a private chat (or on Discord, in a server) for a new link.';

/**
 * The page a valid link opens: a form that signs in when submitted. Opening the link does not use
 * it — link previews and scanners fetch links too — so our script submits the form at once, and
 * without scripts the button does it.
 */
export function signInPage(token: string): SafeHtml {
  return page({
    title: 'Signing in',
    scripts: ['sign-in.js'],
    body: html`<section class="card narrow">
      <h1>Signing in to the desk…</h1>
      <form id="sign-in-form" method="post" action="/sign-in">
        <input type="hidden" name="token" value="${token}">
        <button type="submit">Continue to the desk</button>
      </form>
    </section>`,
  });
}

/** The page a link that cannot sign in opens, saying why. */
export function linkRefusedPage(state: Exclude<LinkState, 'valid'>): SafeHtml {
  const why = {
    used: 'This sign-in link was already used. A link signs in once.',
    expired: 'This sign-in link has expired: a link works for 10 minutes.',
    unknown: 'This is not a valid sign-in link.',
  }[state];
  return plainPage('This link does not sign in', [why, ASK_AGAIN]);
}

/** The page for an address that sent too many bad links. */
export function rateLimitedPage(minutes: number): SafeHtml {
  return plainPage('Too many bad sign-in links', [
    `Too many links that do not sign in came from your address. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    ASK_AGAIN,
  ]);
}

/** The plain page for anyone without a session. */
export function signedOutPage(): SafeHtml {
  return plainPage('You are signed out', [
    'The desk is for the newsroom’s editors. To sign in, send /desk to the bot: it replies with a one-time link.',
  ]);
}

/** The answer to a request that did not come from the desk's own pages (another site's form). */
export function refusedPage(): SafeHtml {
  return plainPage('Request refused', [
    'This request did not come from the desk’s own page, so nothing was changed. Go back to the desk and try again there.',
  ]);
}

/**
 * The answer to a form sent after the session ended: it says so, and shows what was typed so that
 * nothing is lost while the editor asks for a new link.
 */
export function sessionEndedPage(typed: readonly (readonly [string, string])[]): SafeHtml {
  const kept = typed.filter(([, value]) => value.trim() !== '');
  return plainPage(
    'Your desk session has ended',
    [
      'Nothing was saved: the session ended (after 12 hours, or by signing out). Send /desk to the bot for a new link.',
      ...(kept.length > 0 ? ['Here is what you typed, to copy:'] : []),
    ],
    html`${kept.map(
      ([label, value], i) =>
        html`<label for="kept-${i}">${label}</label><textarea id="kept-${i}" readonly rows="${Math.min(12, value.split('\n').length + 1)}">${value}</textarea>`,
    )}`,
  );
}
