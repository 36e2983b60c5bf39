// A collective account in a real browser with JavaScript off (docs/collective-accounts.md):
// the owner signs up, makes the account collective and creates an invite in the web
// settings; a second person, in a browser of their own, joins at /join with the code and a
// password of their own, signs in with the account's name and that password, and posts as
// the account. Both see the member list as numbers and join days only; the owner removes
// the member, whose session ends at once and whose password no longer signs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumForSuite, shot } from './browser.mjs';

const base = process.env.PUBLIUS_URL;
if (!base) throw new Error('PUBLIUS_URL is not set (run through tests/web_e2e/run.sh)');

const { newPerson } = chromiumForSuite();

async function recoveryCodesShown(page) {
  const codes = await page.locator('ol.codes li').allTextContents();
  assert.equal(codes.length, 10, 'ten recovery codes are shown once');
  assert.ok(codes.every((c) => /^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/.test(c)));
  assert.match(await page.locator('.alert').innerText(), /shown only this once/);
  return codes;
}

// The members list, each entry's first line (the rest are its buttons' labels), checked
// against "Member N[ tags], joined YYYY-MM-DD": a number, its tags and a day, nothing more.
async function assertMembers(page, expected, message) {
  const items = await page.locator('ul.members > li').allInnerTexts();
  const lines = items.map((text) => text.split('\n')[0].trim());
  assert.equal(lines.length, expected.length, `${message}: ${lines.join(' | ')}`);
  expected.forEach(([number, tags], i) => {
    const label = tags ? `Member ${number} ${tags}` : `Member ${number}`;
    assert.match(lines[i], new RegExp(`^${label.replace(/[()]/g, '\\$&')}, joined \\d{4}-\\d{2}-\\d{2}$`),
      message);
  });
}

async function signIn(page, username, password) {
  await page.goto(`${base}/auth/sign_in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('an owner invites, a member joins, posts as the account and is removed (JavaScript off)', async () => {
  const suffix = Math.random().toString(36).slice(2, 7);
  const name = `collective_${suffix}`;
  const ownerPassword = 'correct horse battery';
  const memberPassword = 'a long passphrase of my own';
  const ownerContext = await newPerson();
  const memberContext = await newPerson();
  const owner = await ownerContext.newPage();
  const member = await memberContext.newPage();

  // The owner signs up as one person.
  await owner.goto(`${base}/auth/sign_up`);
  await owner.getByLabel('Username').fill(name);
  await owner.getByLabel('Password').fill(ownerPassword);
  await owner.getByRole('button', { name: 'Create account' }).click();
  await owner.waitForURL(`${base}/auth/sign_up`);
  await recoveryCodesShown(owner);

  // Settings -> Collective account -> Make collective: new recovery codes for member 1,
  // and this browser stays signed in.
  await owner.goto(`${base}/settings`);
  await owner.getByRole('link', { name: 'Collective account' }).click();
  await owner.waitForURL(`${base}/settings/collective`);
  await owner.getByLabel('Current password').fill(ownerPassword);
  await owner.getByRole('button', { name: 'Make collective' }).click();
  await owner.waitForURL(`${base}/settings/collective/make`);
  await recoveryCodesShown(owner);
  await owner.getByRole('link', { name: 'I saved them: back to the collective settings' }).click();
  await owner.waitForURL(`${base}/settings/collective`);
  await assertMembers(owner, [[1, '(owner) (you)']], 'the owner alone is member 1');
  await shot(owner, 'collective-settings');

  // An invite code, shown once.
  await owner.getByRole('button', { name: 'Create an invite code' }).click();
  await owner.waitForURL(`${base}/settings/collective/invite`);
  const code = (await owner.locator('code.invite-code').innerText()).trim();
  assert.ok(code.length >= 16, `an invite code of some length: ${code}`);
  assert.match(await owner.locator('main').innerText(), /shown only now, works once/);
  await shot(owner, 'collective-invite');

  // A wrong code is refused with a clear message and nothing else happens.
  await member.goto(`${base}/join`);
  await member.getByLabel('Invite code').fill(`${code}x`);
  await member.getByLabel('Your new password').fill(memberPassword);
  await member.getByRole('button', { name: 'Join' }).click();
  await member.waitForURL(`${base}/join`);
  await member.getByRole('alert').waitFor();
  assert.equal(await member.locator('ol.codes').count(), 0, 'a refused join shows no codes');

  // The second person joins with the code and a password of their own.
  await member.goto(`${base}/join`);
  await shot(member, 'collective-join');
  await member.getByLabel('Invite code').fill(code);
  await member.getByLabel('Your new password').fill(memberPassword);
  await member.getByRole('button', { name: 'Join' }).click();
  await member.waitForURL(`${base}/join`);
  assert.equal(await member.getByRole('heading', { level: 1 }).innerText(), `Welcome to @${name}`);
  await recoveryCodesShown(member);

  // The code works once.
  const thirdContext = await newPerson();
  const third = await thirdContext.newPage();
  await third.goto(`${base}/join`);
  await third.getByLabel('Invite code').fill(code);
  await third.getByLabel('Your new password').fill('yet another long passphrase');
  await third.getByRole('button', { name: 'Join' }).click();
  await third.getByRole('alert').waitFor();
  assert.equal(await third.locator('ol.codes').count(), 0, 'a spent invite joins nobody');
  await thirdContext.close();

  // The member signs in afresh with the account's name and their own password, and posts.
  await member.getByRole('button', { name: 'Log out' }).click();
  await member.waitForURL(`${base}/`);
  await signIn(member, name, memberPassword);
  await member.waitForURL(`${base}/home`);
  const text = `Written by one of us ${suffix}`;
  await member.getByLabel('Text', { exact: true }).fill(text);
  await member.getByLabel('Who can see it').selectOption('public');
  await member.getByRole('button', { name: 'Post', exact: true }).click();
  await member.waitForURL(`${base}/home`);
  await member.locator('article.post').filter({ hasText: text }).first().waitFor();

  // The post is the account's: on its profile, and in the owner's home timeline.
  await owner.goto(`${base}/@${name}`);
  await owner.locator('article.post').filter({ hasText: text }).first().waitFor();
  await owner.goto(`${base}/home`);
  const post = owner.locator('article.post').filter({ hasText: text }).first();
  await post.waitFor();
  assert.match(await post.innerText(), new RegExp(`@${name}`));
  assert.doesNotMatch(await post.innerText(), /member/i, 'no member is named beside a post');

  // The member list: numbers and join days, nothing else, from either side.
  await member.goto(`${base}/settings/collective`);
  await assertMembers(member, [[1, '(owner)'], [2, '(you)']],
    'the member sees member 1 (owner) and member 2 (you)');
  assert.equal(await member.getByRole('button', { name: 'Create an invite code' }).count(), 0,
    'only the owner invites');
  await shot(member, 'collective-members-member');
  await owner.goto(`${base}/settings/collective`);
  await assertMembers(owner, [[1, '(owner) (you)'], [2, '']],
    'the owner sees member 1 (owner) (you) and member 2');
  await shot(owner, 'collective-members-owner');

  // The owner removes member 2; the member's session ends at once.
  await owner.getByRole('button', { name: 'Remove member 2' }).click();
  await owner.waitForURL(`${base}/settings/collective?done=removed`);
  await assertMembers(owner, [[1, '(owner) (you)']], 'member 2 is gone');
  await member.goto(`${base}/home`);
  assert.equal(new URL(member.url()).pathname, '/auth/sign_in', 'the removed member is signed out');
  await signIn(member, name, memberPassword);
  await member.waitForURL(`${base}/auth/sign_in`);
  await member.getByRole('alert').waitFor();
  assert.equal(new URL(member.url()).pathname, '/auth/sign_in',
    "the removed member's password signs in no more");

  // The owner still acts for the account, and the member's post stays the account's.
  await owner.goto(`${base}/@${name}`);
  await owner.locator('article.post').filter({ hasText: text }).first().waitFor();

  await ownerContext.close();
  await memberContext.close();
});
