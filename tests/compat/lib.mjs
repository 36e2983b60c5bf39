// Shared set-up for the compatibility tests: every client object here is a real masto.js
// client talking to the server at PUBLIUS_URL (started by run.sh).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { createOAuthAPIClient, createRestAPIClient, MastoHttpError } from "masto";

export const url = process.env.PUBLIUS_URL;
if (!url) throw new Error("PUBLIUS_URL is not set: run the suite through tests/compat/run.sh");

export const OOB = "urn:ietf:wg:oauth:2.0:oob";
export const SCOPES = "read write follow push";

// Test files run in parallel against one server: names carry a per-process suffix.
const runId = randomBytes(3).toString("hex");
let counter = 0;
export function uniqueName(prefix) {
  counter += 1;
  return `${prefix}_${runId}${counter}`.slice(0, 30);
}

export function anonymousClient() {
  return createRestAPIClient({ url, timeout: 15000 });
}

export function clientFor(accessToken) {
  return createRestAPIClient({ url, accessToken, timeout: 15000 });
}

export function oauthClient() {
  return createOAuthAPIClient({ url, timeout: 15000 });
}

// Registers an app the way Mastodon clients do.
export async function createApp(clientName = "publius-compat") {
  return anonymousClient().v1.apps.create({
    clientName,
    redirectUris: OOB,
    scopes: SCOPES,
    website: "https://example.org/compat",
  });
}

// An app-level token (no user) from the client_credentials grant.
export async function appToken(app) {
  return oauthClient().token.create({
    grantType: "client_credentials",
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: OOB,
    scope: SCOPES,
  });
}

let sharedApp;
async function registrationContext() {
  if (!sharedApp) {
    sharedApp = (async () => {
      const app = await createApp();
      const token = await appToken(app);
      return { app, token, client: clientFor(token.accessToken) };
    })();
  }
  return sharedApp;
}

export const PASSWORD = "correct horse battery staple 42";

// Registers a fresh account through POST /api/v1/accounts (with the fields Mastodon clients
// send) and returns { masto, token, account, username }.
export async function registerUser(prefix = "user") {
  const { client } = await registrationContext();
  const username = uniqueName(prefix);
  const token = await client.v1.accounts.create({
    username,
    password: PASSWORD,
    agreement: true,
    locale: "en",
    email: `${username}@example.org`,
  });
  const masto = clientFor(token.accessToken);
  const account = await masto.v1.accounts.verifyCredentials();
  return { masto, token, account, username };
}

// Asserts that `pending` (a promise, or a masto paginator, which is only thenable) rejects
// with a MastoHttpError whose statusCode is `statusCode` (or one of them, given an array).
export async function rejectsWithStatus(pending, statusCode) {
  const allowed = Array.isArray(statusCode) ? statusCode : [statusCode];
  await assert.rejects(async () => await pending, (error) => {
    assert.ok(error instanceof MastoHttpError, `expected MastoHttpError, got ${error}`);
    assert.ok(allowed.includes(error.statusCode),
      `status ${error.statusCode} (${error.message}), expected ${allowed.join(" or ")}`);
    assert.equal(typeof error.message, "string");
    assert.ok(error.message.length > 0, "error body carries a message");
    return true;
  });
}

// Walks a masto paginator to the end (bounded), returning the pages.
export async function collectPages(paginator, maxPages = 50) {
  const pages = [];
  for await (const page of paginator) {
    pages.push(page);
    if (pages.length > maxPages) throw new Error(`paginator did not stop after ${maxPages} pages`);
  }
  return pages;
}

// Ids are decimal strings; compare them as integers.
export function idCompare(a, b) {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// Checks a flattened list of entities is strictly newest-first with no duplicates.
export function assertStrictlyDescending(items, what = "items", key = (x) => x.id) {
  const ids = items.map(key);
  assert.equal(new Set(ids).size, ids.length, `${what}: duplicate ids ${ids}`);
  for (let i = 1; i < ids.length; i++) {
    assert.equal(idCompare(ids[i - 1], ids[i]), 1, `${what}: ${ids[i - 1]} should be newer than ${ids[i]}`);
  }
}

export function stripHtml(html) {
  return html.replace(/<[^>]*>/g, "");
}

// The fields every Mastodon Account has (masto's Account type).
export function assertAccountShape(a) {
  assert.equal(typeof a.id, "string");
  assert.match(a.id, /^\d+$/);
  for (const key of ["username", "acct", "url", "displayName", "note", "avatar", "avatarStatic",
    "header", "headerStatic", "createdAt"]) {
    assert.equal(typeof a[key], "string", `account.${key}`);
  }
  for (const key of ["locked", "bot", "group"]) assert.equal(typeof a[key], "boolean", `account.${key}`);
  for (const key of ["statusesCount", "followersCount", "followingCount"]) {
    assert.equal(typeof a[key], "number", `account.${key}`);
  }
  assert.ok(Array.isArray(a.fields), "account.fields");
  assert.ok(Array.isArray(a.emojis), "account.emojis");
  assert.ok(!Number.isNaN(Date.parse(a.createdAt)), "account.createdAt is a date");
}

// The fields every Mastodon Status has (masto's Status type).
export function assertStatusShape(s) {
  assert.equal(typeof s.id, "string");
  assert.match(s.id, /^\d+$/);
  for (const key of ["uri", "createdAt", "content", "visibility", "spoilerText"]) {
    assert.equal(typeof s[key], "string", `status.${key}`);
  }
  assert.ok(["public", "unlisted", "private", "direct"].includes(s.visibility));
  assert.equal(typeof s.sensitive, "boolean");
  for (const key of ["reblogsCount", "favouritesCount", "repliesCount"]) {
    assert.equal(typeof s[key], "number", `status.${key}`);
  }
  for (const key of ["mediaAttachments", "mentions", "tags", "emojis"]) {
    assert.ok(Array.isArray(s[key]), `status.${key}`);
  }
  assert.ok("editedAt" in s, "status.editedAt present");
  assertAccountShape(s.account);
  assert.ok(!Number.isNaN(Date.parse(s.createdAt)), "status.createdAt is a date");
}

// A needle in a PNG text chunk: found in an upload, never in what the server stores.
export const TEXT_NEEDLE = "PUBLIUS-COMPAT-PNG-TEXT";

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// A width x height RGB PNG with a tEXt chunk carrying TEXT_NEEDLE.
export function pngWithText(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) rows.set([x * 8, y * 8, 128], row + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("tEXt", Buffer.from(`Comment\0${TEXT_NEEDLE}`, "latin1")),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export { assert, MastoHttpError };
