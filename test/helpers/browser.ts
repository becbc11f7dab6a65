import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, installed by `.ci/run`; nothing downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags that let headless chromium run here: no sandbox (root in CI), no GPU, no network of its own.
 * Playwright gives each launch a fresh temporary profile (user-data dir) and removes it on close.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless chromium; each `newContext()` is a browser profile of its own (cookies included). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
