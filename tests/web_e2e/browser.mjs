// What both browser suites share: one headless Debian Chromium per suite
// (Playwright gives it a fresh, temporary profile) and screenshots saved for
// review under PUBLIUS_SCREENSHOTS (build/screenshots when run by run.sh).
import path from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// One Chromium for the calling suite, launched before its tests and closed after them.
// newPerson() gives each person a context of their own (their own cookies): JavaScript off,
// as Tor Browser at "Safest", and a desktop window, unless `options` say otherwise.
export function chromiumForSuite() {
  let browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return {
    newPerson: (options = {}) =>
      browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 900 }, ...options }),
  };
}

export async function shot(page, name) {
  const shots = process.env.PUBLIUS_SCREENSHOTS;
  if (!shots) return;
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}
