// v2 search for accounts, hashtags and statuses.
import { before, describe, test } from "node:test";
import { randomBytes } from "node:crypto";
import {
  anonymousClient, assert, assertAccountShape, assertStatusShape, registerUser, rejectsWithStatus,
} from "./lib.mjs";

describe("v2 search", () => {
  const word = `zq${randomBytes(4).toString("hex")}`;  // unique, so only our posts match
  const tag = `srch${randomBytes(4).toString("hex")}`;
  let searcher, target, wordPost, tagPost;

  before(async () => {
    searcher = await registerUser("searcher");
    target = await registerUser("needle");
    wordPost = await target.masto.v1.statuses.create({ status: `the secret word is ${word}` });
    tagPost = await target.masto.v1.statuses.create({ status: `filed under #${tag}` });
    await target.masto.v1.statuses.create({ status: "nothing to see" });
  });

  test("finds accounts by username", async () => {
    const result = await searcher.masto.v2.search.list({ q: target.username, type: "accounts" });
    assert.ok(Array.isArray(result.accounts));
    assert.deepEqual(result.statuses, []);
    assert.deepEqual(result.hashtags, []);
    const hit = result.accounts.find((a) => a.id === target.account.id);
    assert.ok(hit, "the account is found");
    assertAccountShape(hit);
    assert.equal(hit.username, target.username);

    const withAt = await searcher.masto.v2.search.list({ q: `@${target.username}@localhost`, type: "accounts" });
    assert.ok(withAt.accounts.some((a) => a.id === target.account.id), "@user@domain form works");
  });

  test("finds hashtags", async () => {
    const result = await searcher.masto.v2.search.list({ q: `#${tag}`, type: "hashtags" });
    assert.deepEqual(result.accounts, []);
    assert.equal(result.hashtags.length, 1);
    const [found] = result.hashtags;
    assert.equal(found.name, tag);
    assert.equal(typeof found.url, "string");
    assert.match(found.url, new RegExp(`/tags/${tag}$`));
    const prefix = await searcher.masto.v2.search.list({ q: tag.slice(0, -2), type: "hashtags" });
    assert.ok(prefix.hashtags.some((h) => h.name === tag), "a prefix finds the tag");
  });

  test("finds statuses by word and by hashtag", async () => {
    const byWord = await searcher.masto.v2.search.list({ q: word, type: "statuses" });
    assert.deepEqual(byWord.statuses.map((s) => s.id), [wordPost.id]);
    assertStatusShape(byWord.statuses[0]);
    const byTag = await searcher.masto.v2.search.list({ q: `#${tag}`, type: "statuses" });
    assert.deepEqual(byTag.statuses.map((s) => s.id), [tagPost.id]);
  });

  test("without a type, all three sections come back", async () => {
    const result = await searcher.masto.v2.search.list({ q: tag });
    assert.ok(Array.isArray(result.accounts));
    assert.ok(Array.isArray(result.statuses));
    assert.ok(result.hashtags.some((h) => h.name === tag));
  });

  test("a deleted status is no longer found", async () => {
    const gone = await target.masto.v1.statuses.create({ status: `ephemeral ${word}x` });
    const before = await searcher.masto.v2.search.list({ q: `${word}x`, type: "statuses" });
    assert.deepEqual(before.statuses.map((s) => s.id), [gone.id]);
    await target.masto.v1.statuses.$select(gone.id).remove();
    const after = await searcher.masto.v2.search.list({ q: `${word}x`, type: "statuses" });
    assert.deepEqual(after.statuses, []);
  });

  test("anonymous search works without offset; offset needs a user (401)", async () => {
    const anon = await anonymousClient().v2.search.list({ q: target.username, type: "accounts" });
    assert.ok(anon.accounts.some((a) => a.id === target.account.id));
    await rejectsWithStatus(
      anonymousClient().v2.search.list({ q: target.username, type: "accounts", offset: 1 }),
      401,
    );
  });
});
