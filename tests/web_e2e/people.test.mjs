// The people flows of the web UI in a real browser: sign up two people, post,
// follow, see the post in the other's home timeline, favourite, see the
// notification, delete. Run once with JavaScript on and once with it off (Tor
// Browser at "Safest"), and save screenshots of the main pages for review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumForSuite, shot } from './browser.mjs';

const base = process.env.PUBLIUS_URL;
if (!base) throw new Error('PUBLIUS_URL is not set (run through tests/web_e2e/run.sh)');

// One Chromium for the suite; Playwright gives it a fresh, temporary profile directory
// (the equivalent of a new --user-data-dir), and each person gets their own context.
const { newPerson } = chromiumForSuite();

async function signUp(page, username, password) {
  await page.goto(`${base}/auth/sign_up`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${base}/auth/sign_up`);
  const codes = await page.locator('ol.codes li').allTextContents();
  assert.equal(codes.length, 10, 'ten recovery codes are shown once');
  assert.match(await page.locator('.alert').innerText(), /shown only this once/);
  return codes;
}

async function peopleFlow(jsEnabled, label) {
  const suffix = Math.random().toString(36).slice(2, 7);
  const author = `${label}_a_${suffix}`;
  const reader = `${label}_b_${suffix}`;
  const a = await (await newPerson({ javaScriptEnabled: jsEnabled })).newPage();
  const b = await (await newPerson({ javaScriptEnabled: jsEnabled })).newPage();
  const pass = 'correct horse battery';

  if (!jsEnabled) {
    await a.goto(`${base}/`);
    assert.deepEqual(await a.locator('main ol li').allTextContents(),
      ['Be kind to each other.', 'No spam.'], 'the landing page lists the operator\'s rules');
    await shot(a, 'landing');
  }
  const codes = await signUp(a, author, pass);
  if (!jsEnabled) await shot(a, 'signup-recovery-codes');
  assert.ok(codes.every((c) => /^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/.test(c)));
  await signUp(b, reader, pass);

  // The author posts from the home timeline's compose form.
  await a.goto(`${base}/home`);
  const text = `Hello from ${author} <b>not bold</b> #e2e${suffix}`;
  await a.getByLabel('Text', { exact: true }).fill(text);
  await a.getByLabel('Content warning (optional)').fill('');
  await a.getByLabel('Who can see it').selectOption('public');
  if (jsEnabled) assert.match(await a.locator('#status-counter').innerText(), /characters left/);
  else assert.match(await a.locator('#status-counter').innerText(), /At most 500 characters/);
  await a.getByRole('button', { name: 'Post', exact: true }).click();
  await a.waitForURL(`${base}/home`);
  const mine = a.locator('article.post').filter({ hasText: `Hello from ${author}` });
  await mine.first().waitFor();
  assert.equal(await mine.locator('b').count(), 0, 'typed HTML is shown as text, not markup');
  if (!jsEnabled) await shot(a, 'home');

  // The reader follows the author from the profile page.
  await b.goto(`${base}/@${author}`);
  await b.getByRole('button', { name: 'Follow', exact: true }).click();
  await b.waitForURL(`${base}/@${author}`);
  await b.getByRole('button', { name: 'Unfollow' }).waitFor();
  if (!jsEnabled) await shot(b, 'profile');

  // The author's post is now in the reader's home timeline (backfilled or fanned out).
  await a.goto(`${base}/home`);
  const second = `Second post from ${author}`;
  await a.getByLabel('Text', { exact: true }).fill(second);
  await a.getByRole('button', { name: 'Post', exact: true }).click();
  await a.waitForURL(`${base}/home`);
  await b.goto(`${base}/home`);
  const seen = b.locator('article.post').filter({ hasText: second });
  await seen.first().waitFor();

  // Favourite it; the button flips and the author is notified.
  await seen.getByRole('button', { name: /^Favourite/ }).click();
  await b.waitForURL(`${base}/home`);
  await b.locator('article.post').filter({ hasText: second })
    .getByRole('button', { name: /^Remove favourite/ }).waitFor();
  if (!jsEnabled) await shot(b, 'home-reader');

  // The reader keeps the author in a list and reads it on its own timeline.
  await b.getByRole('link', { name: 'Lists' }).click();
  await b.getByLabel('Title').fill(`Reading ${suffix}`);
  await b.getByRole('button', { name: 'Create list' }).click();
  await b.waitForURL(/\/lists\/\d+\/edit$/);
  await b.getByLabel('Add someone you follow (username)').fill(author);
  await b.getByRole('button', { name: 'Add to list' }).click();
  await b.getByRole('button', { name: `Remove @${author} from this list` }).waitFor();
  await b.getByRole('link', { name: "Back to the list's posts" }).click();
  await b.locator('article.post').filter({ hasText: second }).first().waitFor();
  if (!jsEnabled) await shot(b, 'list');

  await a.goto(`${base}/notifications`);
  const note = a.locator('li.card').filter({ hasText: 'favourited your post' });
  await note.first().waitFor();
  assert.match(await note.first().innerText(), new RegExp(reader));
  assert.match(await a.locator('li.card').filter({ hasText: 'followed you' }).first().innerText(), new RegExp(reader));
  if (!jsEnabled) await shot(a, 'notifications');

  // The post page with its thread, then the reader replies there.
  await b.goto(`${base}/@${author}`);
  await b.locator('article.post').filter({ hasText: second }).locator('time').click();
  await b.waitForURL(new RegExp(`/@${author}/\\d+$`));
  await b.getByLabel('Text', { exact: true }).fill(`@${author} nice one`);
  await b.getByRole('button', { name: 'Post', exact: true }).click();
  await b.locator('article.post').filter({ hasText: 'nice one' }).first().waitFor();
  if (!jsEnabled) await shot(b, 'post-thread');

  // A direct message: sealed at rest, shown to its recipient under Messages.
  await b.goto(`${base}/home`);
  await b.getByLabel('Text', { exact: true }).fill(`@${author} a word in private ${suffix}`);
  await b.getByLabel('Who can see it').selectOption('direct');
  await b.getByRole('button', { name: 'Post', exact: true }).click();
  await b.waitForURL(`${base}/home`);
  await a.getByRole('link', { name: 'Messages' }).click();
  await a.locator('section.thread').filter({ hasText: `a word in private ${suffix}` }).first().waitFor();
  if (!jsEnabled) await shot(a, 'messages');

  // A poll: made from the compose form, voted on by the reader, results shown after.
  await a.goto(`${base}/home`);
  await a.getByLabel('Text', { exact: true }).fill(`Tea or coffee? ${suffix}`);
  await a.locator('details.poll-fields summary').click();
  await a.getByLabel('Option 1').fill('Tea');
  await a.getByLabel('Option 2').fill('Coffee');
  await a.getByLabel('Duration').selectOption('3600');
  await a.getByRole('button', { name: 'Post', exact: true }).click();
  await a.waitForURL(`${base}/home`);
  await b.goto(`${base}/home`);
  const ballot = b.locator('article.post').filter({ hasText: `Tea or coffee? ${suffix}` }).first();
  await ballot.getByLabel('Coffee').check();
  if (!jsEnabled) await shot(b, 'poll-ballot');
  await ballot.getByRole('button', { name: 'Vote' }).click();
  await b.waitForURL(`${base}/home`);
  const results = b.locator('article.post').filter({ hasText: `Tea or coffee? ${suffix}` }).first();
  assert.match(await results.locator('.poll').innerText(), /100%\s*Coffee ✓ \(your choice\)/);
  if (!jsEnabled) await shot(b, 'poll-results');

  // Search, public timeline, settings: reachable and rendered.
  await a.goto(`${base}/search?q=${encodeURIComponent(author)}`);
  await a.getByRole('link', { name: author }).first().waitFor();
  if (!jsEnabled) await shot(a, 'search');
  await a.goto(`${base}/public`);
  if (!jsEnabled) await shot(a, 'public');
  await a.goto(`${base}/settings`);
  await a.getByLabel('Display name').fill(`Author ${suffix}`);
  await a.getByRole('button', { name: 'Save profile' }).click();
  await a.waitForURL(`${base}/settings?done=profile`);
  assert.equal(await a.getByLabel('Display name').inputValue(), `Author ${suffix}`);
  if (!jsEnabled) await shot(a, 'settings');

  // The author deletes the second post; it leaves the reader's home.
  await a.goto(`${base}/home`);
  await a.locator('article.post').filter({ hasText: second })
    .getByRole('button', { name: 'Delete this post' }).click();
  await a.waitForURL(`${base}/home`);
  assert.equal(await a.locator('article.post').filter({ hasText: second }).count(), 0);
  await b.goto(`${base}/home`);
  assert.equal(await b.locator('article.post').filter({ hasText: second }).count(), 0);

  // Logging out ends the session: home sends the browser to the sign-in page.
  await b.getByRole('button', { name: 'Log out' }).click();
  await b.waitForURL(`${base}/`);
  await b.goto(`${base}/home`);
  assert.equal(new URL(b.url()).pathname, '/auth/sign_in');
  if (!jsEnabled) await shot(b, 'sign-in');

  // A form posted with a stale token is refused with an explanatory page.
  const forged = await b.request.post(`${base}/statuses`, { form: { csrf: 'forged', status: 'x' } });
  assert.equal(forged.status(), 403);
  assert.match(forged.headers()['content-security-policy'], /script-src 'self'/);

  await a.context().close();
  await b.context().close();
}

test('people flows with JavaScript enabled', async () => {
  await peopleFlow(true, 'js');
});

test('people flows with JavaScript disabled (Tor Browser Safest)', async () => {
  await peopleFlow(false, 'nojs');
});

test('a phone-sized viewport renders the public timeline', async () => {
  const ctx = await newPerson({ viewport: { width: 375, height: 740 } });
  const page = await ctx.newPage();
  await page.goto(`${base}/public`);
  await page.getByRole('heading', { name: 'Public timeline' }).waitFor();
  await shot(page, 'public-phone');
  await ctx.close();
});

// A 16x12 PNG carrying a tEXt chunk with a needle the server must strip.
const PNG_NEEDLE = 'PUBLIUS-E2E-PNG-TEXT';
const PNG_WITH_TEXT = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAMCAIAAADkharWAAAAHHRFWHRDb21tZW50AFBVQkxJVVMtRTJFLVBORy1URVhU' +
    'MWjn4wAAAVZJREFUeJwV0SERBSEYRWEiIAiARG4ABBH+CAgCrERuAAQRTgQEAZBIAiCIsBHevuu/mTtzlFJohVVc' +
    'iqAQRVTcikdRFSiaYiiW4ihehVIGbbCGyxAMYoiG2/AYqgFDMwzDMhzDaz7g0A7ruBzBIY7ouB2PozpwNMdwLMdx' +
    'vO4DHu2xnssTPOKJntvzeKoHT/MMz/Icz+s/IGjBCpcQBBGicAuPUAWEJgxhCUd45QMJnbCJKxESkoiJO/EkaoJE' +
    'S4zESpzEmz6Q0RmbuTIhI5mYuTNPpmbItMzIrMzJvPkDBV2whasQClKIhbvwFGqBQiuMwiqcwls+ABosXBD+n4lw' +
    'wwOV/xoMWHDg/cKoju7YztUJHenEzt15OrVDp3VGZ3VO5+0fmOiJnVyTMJFJnNyTZ1InTNpkTNbkTN75gY3e2M21' +
    'CRvZxM29eTZ1w6ZtxmZtzubd/ACtAiSQEXYCZQAAAABJRU5ErkJggg==',
  'base64');

test('an image with alt text, posted with JavaScript disabled', async () => {
  assert.ok(PNG_WITH_TEXT.includes(PNG_NEEDLE), 'the upload carries the needle');
  const ctx = await newPerson();
  const page = await ctx.newPage();
  const suffix = Math.random().toString(36).slice(2, 7);
  await signUp(page, `img_${suffix}`, 'correct horse battery');
  await page.goto(`${base}/home`);
  await page.getByLabel('Text', { exact: true }).fill(`A picture ${suffix}`);
  await page.locator('details.images summary').click();
  await page.getByLabel('Image 1', { exact: true }).setInputFiles({
    name: 'IMG_0001-home-address.png', mimeType: 'image/png', buffer: PNG_WITH_TEXT });
  const alt = `A gradient "${suffix}" <not markup>`;
  await page.locator('#description_1').fill(alt);
  assert.equal(await page.locator('label[for="description_1"]').innerText(),
               'Image description (alt text)');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(`${base}/home`);
  const post = page.locator('article.post').filter({ hasText: `A picture ${suffix}` }).first();
  await post.waitFor();
  const img = post.locator('.media img');
  assert.equal(await img.getAttribute('alt'), alt);
  assert.equal(await img.getAttribute('loading'), 'lazy');
  assert.equal(await img.getAttribute('width'), '16');
  const full = await post.locator('.media a').getAttribute('href');
  assert.match(full, /^\/system\/media\/[0-9a-f]{32}\.png$/);
  const served = await page.request.get(`${base}${full}`);
  assert.equal(served.status(), 200);
  assert.ok(!(await served.body()).includes(PNG_NEEDLE), 'metadata is stripped');
  await shot(page, 'post-with-image');
  await ctx.close();
});

test('an avatar, uploaded in settings with JavaScript disabled', async () => {
  const ctx = await newPerson();
  const page = await ctx.newPage();
  const suffix = Math.random().toString(36).slice(2, 7);
  const name = `face_${suffix}`;
  await signUp(page, name, 'correct horse battery');
  await page.goto(`${base}/settings`);
  await page.getByLabel('Avatar', { exact: true }).setInputFiles({
    name: 'IMG_0002-my-kitchen.png', mimeType: 'image/png', buffer: PNG_WITH_TEXT });
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.waitForURL(`${base}/settings?done=profile`);
  await page.goto(`${base}/@${name}`);
  const avatar = page.locator('section.profile img.avatar');
  await avatar.waitFor();
  assert.equal(await avatar.getAttribute('alt'), '');
  assert.equal(await avatar.getAttribute('loading'), 'lazy');
  const src = await avatar.getAttribute('src');
  assert.match(src, /^\/system\/media\/[0-9a-f]{32}\.png$/);
  const served = await page.request.get(`${base}${src}`);
  assert.equal(served.status(), 200);
  assert.ok(!(await served.body()).includes(PNG_NEEDLE), 'metadata is stripped');
  await shot(page, 'profile-with-avatar');

  await page.goto(`${base}/settings`);
  await page.getByRole('button', { name: 'Remove avatar' }).click();
  await page.waitForURL(`${base}/settings?done=picture`);
  assert.equal((await page.request.get(`${base}${src}`)).status(), 404);
  await ctx.close();
});
