// What both browser suites share: one headless Debian Chromium per suite
// (Playwright gives it a fresh, temporary profile) and screenshots saved for
// review under PUBLIUS_SCREENSHOTS (build/screenshots when run by run.sh).
import path from 'node:path';
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function shot(page, name) {
  const shots = process.env.PUBLIUS_SCREENSHOTS;
  if (!shots) return;
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}
