// Home, public and hashtag timelines, paged through with masto's paginator (Link headers).
import { before, describe, test } from "node:test";
import { randomBytes } from "node:crypto";
import {
  anonymousClient, assert, assertStatusShape, assertStrictlyDescending, collectPages, idCompare,
  registerUser, rejectsWithStatus,
} from "./lib.mjs";

const PAGE = 4;

// Checks the paging contract on a paginator's pages: each page at most `limit` items, at
// least `minPages` non-empty pages, ids strictly descending overall with no duplicates.
function checkPages(pages, { limit, minPages, what }) {
  const nonEmpty = pages.filter((p) => p.length > 0);
  assert.ok(nonEmpty.length >= minPages, `${what}: expected at least ${minPages} pages, got ${nonEmpty.length}`);
  for (const page of pages) {
    assert.ok(Array.isArray(page), `${what}: every page is an array`);
    assert.ok(page.length <= limit, `${what}: page of ${page.length} exceeds limit ${limit}`);
  }
  const all = pages.flat();
  all.forEach(assertStatusShape);
  assertStrictlyDescending(all, what);
  return all;
}

describe("home timeline", () => {
  let reader, writer, own, theirs;

  before(async () => {
    reader = await registerUser("homereader");
    writer = await registerUser("homewriter");
    const stranger = await registerUser("stranger");
    await reader.masto.v1.accounts.$select(writer.account.id).follow();
    own = [];
    theirs = [];
    // Interleave: 10 from the followed account, 3 of the reader's own, 2 from a stranger.
    for (let i = 0; i < 10; i++) {
      theirs.push((await writer.masto.v1.statuses.create({ status: `home post ${i}` })).id);
      if (i % 4 === 0) own.push((await reader.masto.v1.statuses.create({ status: `own post ${i}` })).id);
      if (i % 5 === 0) await stranger.masto.v1.statuses.create({ status: `stranger post ${i}` });
    }
  });

  test("first page honours limit and is newest first", async () => {
    const page = await reader.masto.v1.timelines.home.list({ limit: PAGE });
    assert.equal(page.length, PAGE);
    const expected = [...own, ...theirs].sort(idCompare).reverse();
    assert.deepEqual(page.map((s) => s.id), expected.slice(0, PAGE));
  });

  test("paginates through every page without duplicates, in order", async () => {
    const pages = await collectPages(reader.masto.v1.timelines.home.list({ limit: PAGE }));
    const all = checkPages(pages, { limit: PAGE, minPages: 4, what: "home" });
    const expected = [...own, ...theirs].sort(idCompare).reverse();
    assert.deepEqual(all.map((s) => s.id), expected, "home holds exactly own + followed posts");
  });

  test("max_id, since_id and min_id select the right slices", async () => {
    const expected = [...own, ...theirs].sort(idCompare).reverse();
    const older = await reader.masto.v1.timelines.home.list({ maxId: expected[2], limit: 3 });
    assert.deepEqual(older.map((s) => s.id), expected.slice(3, 6));
    const newer = await reader.masto.v1.timelines.home.list({ sinceId: expected[3] });
    assert.deepEqual(newer.map((s) => s.id), expected.slice(0, 3));
    // min_id gives the page just above the cursor, still newest first.
    const above = await reader.masto.v1.timelines.home.list({ minId: expected[6], limit: 2 });
    assert.deepEqual(above.map((s) => s.id), expected.slice(4, 6));
  });

  test("the prev direction walks back towards newer posts", async () => {
    const expected = [...own, ...theirs].sort(idCompare).reverse();
    const paginator = reader.masto.v1.timelines.home
      .list({ maxId: expected[8], limit: 3 })
      .setDirection("prev");
    const pages = (await collectPages(paginator)).filter((p) => p.length > 0);
    // Starts just below the cursor, then each prev link gives the next newer page.
    assert.deepEqual(pages.map((p) => p.map((s) => s.id)), [
      expected.slice(9, 12), expected.slice(6, 9), expected.slice(3, 6), expected.slice(0, 3),
    ]);
  });

  test("a new post from a followed account appears on top", async () => {
    const fresh = await writer.masto.v1.statuses.create({ status: "breaking news" });
    const [top] = await reader.masto.v1.timelines.home.list({ limit: 1 });
    assert.equal(top.id, fresh.id);
  });

  test("home needs a user token (401 without one)", async () => {
    await rejectsWithStatus(anonymousClient().v1.timelines.home.list(), 401);
  });
});

describe("home timeline contents", () => {
  test("boosts by followed accounts appear; reblogs=false hides them", async () => {
    const reader = await registerUser("boostreader");
    const booster = await registerUser("boostfriend");
    const author = await registerUser("boostsource");
    await reader.masto.v1.accounts.$select(booster.account.id).follow();
    const original = await author.masto.v1.statuses.create({ status: "worth sharing" });
    const boost = await booster.masto.v1.statuses.$select(original.id).reblog();

    const [top] = await reader.masto.v1.timelines.home.list({ limit: 1 });
    assert.equal(top.id, boost.id);
    assert.equal(top.account.id, booster.account.id);
    assert.equal(top.reblog?.id, original.id);
    assert.equal(top.reblog.account.id, author.account.id);

    const rel = await reader.masto.v1.accounts.$select(booster.account.id).follow({ reblogs: false });
    assert.equal(rel.showingReblogs, false);
    const own = await booster.masto.v1.statuses.create({ status: "my own words" });
    const other = await author.masto.v1.statuses.create({ status: "share this too" });
    await booster.masto.v1.statuses.$select(other.id).reblog();
    const home = await reader.masto.v1.timelines.home.list({ limit: 40 });
    assert.ok(home.some((s) => s.id === own.id), "the followed account's own posts still arrive");
    assert.ok(!home.some((s) => s.reblog?.id === other.id), "new boosts are hidden");
  });

  test("a muted account's posts leave home; paging still reaches everything else", async () => {
    const reader = await registerUser("mutereader");
    const friend = await registerUser("mutefriend");
    const loud = await registerUser("muteloud");
    await reader.masto.v1.accounts.$select(friend.account.id).follow();
    await reader.masto.v1.accounts.$select(loud.account.id).follow();
    const wanted = [];
    wanted.push((await friend.masto.v1.statuses.create({ status: "before the noise" })).id);
    for (let i = 0; i < 6; i++) await loud.masto.v1.statuses.create({ status: `noise ${i}` });
    wanted.push((await friend.masto.v1.statuses.create({ status: "after the noise" })).id);
    await reader.masto.v1.accounts.$select(loud.account.id).mute();

    const pages = await collectPages(reader.masto.v1.timelines.home.list({ limit: 2 }));
    const all = pages.flat();
    assert.ok(all.every((s) => s.account.id !== loud.account.id), "muted posts are hidden");
    assertStrictlyDescending(all, "home with mute");
    assert.deepEqual(all.map((s) => s.id), [...wanted].reverse(),
      "paging does not stop at a page that was all muted posts");
  });

  test("a blocked account's posts leave the tag timeline; paging reaches the rest", async () => {
    const tag = `blk${randomBytes(4).toString("hex")}`;
    const reader = await registerUser("blockreader");
    const friend = await registerUser("blockfriend");
    const pest = await registerUser("blockpest");
    const wanted = [];
    wanted.push((await friend.masto.v1.statuses.create({ status: `old #${tag}` })).id);
    for (let i = 0; i < 5; i++) await pest.masto.v1.statuses.create({ status: `spam ${i} #${tag}` });
    wanted.push((await friend.masto.v1.statuses.create({ status: `new #${tag}` })).id);
    await reader.masto.v1.accounts.$select(pest.account.id).block();

    const pages = await collectPages(reader.masto.v1.timelines.tag.$select(tag).list({ limit: 2 }));
    const all = pages.flat();
    assert.ok(all.every((s) => s.account.id !== pest.account.id), "blocked posts are hidden");
    assert.deepEqual(all.map((s) => s.id), [...wanted].reverse(),
      "paging does not stop at a page that was all blocked posts");
    // Anonymous readers still see everything.
    const anon = await collectPages(anonymousClient().v1.timelines.tag.$select(tag).list({ limit: 40 }));
    assert.equal(anon.flat().length, 7);
  });
});

describe("public timeline", () => {
  let author, mine;

  before(async () => {
    author = await registerUser("pubauthor");
    mine = [];
    for (let i = 0; i < 9; i++) mine.push((await author.masto.v1.statuses.create({ status: `public ${i}` })).id);
    await author.masto.v1.statuses.create({ status: "not on the public timeline", visibility: "unlisted" });
    await author.masto.v1.statuses.create({ status: "followers only", visibility: "private" });
  });

  test("paginates with no duplicates, in order, including every public post", async () => {
    // Other test files post concurrently; ordering and uniqueness must hold regardless.
    const pages = [];
    for await (const page of anonymousClient().v1.timelines.public.list({ limit: PAGE })) {
      pages.push(page);
      const ids = page.map((s) => s.id);
      if (ids.some((id) => idCompare(id, mine[0]) < 0)) break;  // walked past our oldest post
      if (pages.length > 200) throw new Error("public timeline did not end");
    }
    const all = checkPages(pages, { limit: PAGE, minPages: 3, what: "public" });
    const ours = all.filter((s) => s.account.id === author.account.id).map((s) => s.id);
    assert.deepEqual(ours, [...mine].reverse(), "only the public posts, newest first");
    assert.ok(all.every((s) => s.visibility === "public"));
  });

  test("local=true gives the same posts; remote=true gives none", async () => {
    const local = await anonymousClient().v1.timelines.public.list({ local: true, limit: 40 });
    assert.ok(local.length > 0);
    assertStrictlyDescending(local, "local");
    const remote = await anonymousClient().v1.timelines.public.list({ remote: true });
    assert.deepEqual(remote, []);
  });
});

describe("hashtag timeline", () => {
  const tag = `compat${randomBytes(4).toString("hex")}`;
  let tagged;

  before(async () => {
    const a = await registerUser("tagger");
    const b = await registerUser("tagger");
    tagged = [];
    for (let i = 0; i < 7; i++) {
      const who = i % 2 ? a : b;
      tagged.push((await who.masto.v1.statuses.create({ status: `tagged ${i} #${tag}` })).id);
      await who.masto.v1.statuses.create({ status: `untagged ${i} #other${tag}` });
    }
  });

  test("paginates exactly the tagged posts, newest first", async () => {
    const pages = await collectPages(anonymousClient().v1.timelines.tag.$select(tag).list({ limit: 3 }));
    const all = checkPages(pages, { limit: 3, minPages: 3, what: "tag" });
    assert.deepEqual(all.map((s) => s.id), [...tagged].reverse());
    for (const status of all) assert.ok(status.tags.some((t) => t.name === tag));
  });

  test("the tag is matched case-insensitively", async () => {
    const upper = await anonymousClient().v1.timelines.tag.$select(tag.toUpperCase()).list({ limit: 40 });
    assert.deepEqual(upper.map((s) => s.id), [...tagged].reverse());
  });

  test("an unknown tag has an empty timeline", async () => {
    const none = await anonymousClient().v1.timelines.tag.$select(`${tag}nothing`).list();
    assert.deepEqual(none, []);
  });
});
