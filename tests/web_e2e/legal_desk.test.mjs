// The operator's legal desk in a real browser with JavaScript off: an admin records
// the 2017 CBP summons through the intake form (with a document), reads the review,
// walks the demand under_review -> user_notified -> challenged -> withdrawn -> closed
// with the page's buttons, checks the audit chain, and finds the 2017H1 numbers on the
// public /transparency page with its SVG charts. Screenshots go next to the people
// suite's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumForSuite, shot } from './browser.mjs';

const base = process.env.PUBLIUS_URL;
const binary = process.env.PUBLIUS_BINARY;
const dataDir = process.env.PUBLIUS_DATA_DIR;
if (!base || !binary || !dataDir) {
  throw new Error('PUBLIUS_URL, PUBLIUS_BINARY and PUBLIUS_DATA_DIR must be set (run through tests/web_e2e/run.sh)');
}
const here = path.dirname(fileURLToPath(import.meta.url));
const seed = JSON.parse(readFileSync(path.join(here, '../legal/fixtures/cbp_2017_summons.json'), 'utf8'));

const { newPerson } = chromiumForSuite();

// Operator set-up through the admin command, which works while the server runs.
function createAccount(username, role, password) {
  execFileSync(binary, ['admin', 'create-account', '--data-dir', dataDir, '--username', username,
                        '--role', role, '--password-file', '-'], { input: `${password}\n` });
}

test('an admin records, reviews and walks the 2017 summons; /transparency reports it (JavaScript off)', async () => {
  const admin = `operator_${Math.random().toString(36).slice(2, 7)}`;
  const password = 'correct horse battery';
  createAccount(admin, 'admin', password);
  createAccount(seed.targets[0].replace(/^@/, ''), 'user', 'the account they want');

  const ctx = await newPerson();
  const page = await ctx.newPage();
  await page.goto(`${base}/auth/sign_in`);
  await page.getByLabel('Username').fill(admin);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/home`);
  await page.getByRole('link', { name: 'Legal desk' }).click();
  await page.waitForURL(`${base}/legal`);

  // Intake: every field of the demand record, and the summons document.
  await page.getByRole('link', { name: 'Record a new demand' }).click();
  await page.waitForURL(`${base}/legal/new`);
  await page.getByLabel('Received at').fill(seed.received_at);
  await page.getByLabel('Agency', { exact: true }).fill(seed.agency);
  await page.getByLabel('Agency component (optional)').fill(seed.agency_component);
  await page.getByLabel('Country').fill(seed.country);
  await page.getByLabel('Instrument').selectOption(seed.instrument);
  await page.getByLabel('Authority cited').fill(seed.authority);
  await page.getByLabel('Target accounts').fill(seed.targets.join(', '));
  for (const category of seed.categories_requested) {
    await page.getByLabel(category.replaceAll('_', ' '), { exact: true }).check();
  }
  await page.getByLabel('Deadline (optional)').fill(seed.deadline);
  await page.getByLabel('Nondisclosure', { exact: true }).selectOption(seed.nondisclosure);
  await page.getByLabel('Notes (optional)').fill(seed.notes);
  const scan = path.join(mkdtempSync(path.join(os.tmpdir(), 'publius-e2e-')), 'summons.pdf');
  writeFileSync(scan, '%PDF-1.4\n% DHS Form 3115, Summons No. 2017-ALT\n');
  await page.getByLabel('Documents (optional)').setInputFiles(scan);
  await shot(page, 'legal-intake');
  await page.getByRole('button', { name: 'Record and review' }).click();
  await page.waitForURL(/\/legal\/demands\/dmd_[0-9a-f]+\?done=recorded$/);
  const demandUrl = page.url().replace(/\?.*$/, '');

  // The review: blocking findings with citations, and the recommendation.
  const review = await page.locator('section[aria-labelledby="review-h"]').innerText();
  for (const code of ['authority_out_of_scope', 'deadline_before_receipt', 'anonymous_speech_unmasking_test']) {
    assert.match(review, new RegExp(code));
  }
  assert.match(review, /19 U\.S\.C\. § 1509\(a\)/);
  assert.equal(await page.locator('.recommendation').innerText(), 'challenge');
  assert.match(await page.locator('section[aria-labelledby="demand-h"]').innerText(), /document-1/);
  assert.equal(await page.locator('button[name="to"]').count(), 5, 'only the legal next states');
  await shot(page, 'legal-demand');

  // The workflow, one button per move, each with a reason.
  const moves = [
    ['Notify the user', 'user notified'],
    ['Challenge', 'challenged'],
    ['Withdrawn by the agency', 'withdrawn'],
    ['Close', 'closed'],
  ];
  for (const [button, state] of moves) {
    await page.getByLabel(/^Reason/).fill(`${button}: per counsel`);
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.waitForURL(`${demandUrl}?done=moved`);
    assert.equal(await page.locator('strong.state').innerText(), state);
  }
  assert.match(await page.locator('section[aria-labelledby="notice-h"]').innerText(), /^User notice\s+Sent/);
  assert.equal(await page.locator('button[name="to"]').count(), 0, 'closed is final');
  await shot(page, 'legal-demand-closed');

  await page.goto(`${base}/legal`);
  assert.match(await page.locator('table.demands').innerText(), /closed/);
  await shot(page, 'legal-list');
  await page.getByRole('link', { name: 'Audit log' }).click();
  assert.match(await page.locator('.chain-status').innerText(), /^Verified/);
  await shot(page, 'legal-audit');
  await ctx.close();

  // The public report, for someone who is not signed in, in both themes.
  for (const colorScheme of ['light', 'dark']) {
    const visitor = await newPerson({ colorScheme });
    const pub = await visitor.newPage();
    await pub.goto(`${base}/transparency?period=2017H1`);
    await pub.locator('figure.chart svg[role="img"]').first().waitFor();
    assert.ok(await pub.locator('figure.chart svg').count() >= 4);
    const keyNumbers = await pub.locator('dl.key-numbers').innerText();
    assert.match(keyNumbers, /Requests for user data\s+1/);
    const text = await pub.locator('main').innerText();
    assert.match(text, /administrative_summons\s+1/);
    assert.match(text, /CBP\s+1/);
    assert.match(text, /Challenged\s+1/);
    assert.match(text, /Withdrawn\s+1/);
    assert.match(text, /Notice given\s+1/);
    assert.match(text, /Warrant canary/);
    await shot(pub, `transparency-${colorScheme}`);

    if (colorScheme === 'light') {
      // The JSON download is the CLI's report.
      const download = await pub.request.get(`${base}/transparency.json?period=2017H1`);
      assert.equal(download.status(), 200);
      const cli = execFileSync(binary, ['legal', 'transparency', '--data-dir', dataDir, '--period', '2017H1',
                                        '--format', 'json', '--domain', 'localhost']);
      assert.deepEqual(await download.json(), JSON.parse(cli.toString()));
    }
    await visitor.close();
  }
});
