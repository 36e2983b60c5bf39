// Posting, replies and context, editing and history, deleting, favourites, boosts,
// bookmarks and pins.
import { describe, test } from "node:test";
import {
  anonymousClient, assert, assertStatusShape, collectPages, registerUser, rejectsWithStatus,
  stripHtml, url,
} from "./lib.mjs";

describe("posting", () => {
  test("creates a status and reads it back", async () => {
    const { masto, account, username } = await registerUser("poster");
    const status = await masto.v1.statuses.create({
      status: "Hello from masto.js <3 #CompatTest",
      visibility: "public",
      language: "en",
    });
    assertStatusShape(status);
    assert.equal(status.account.id, account.id);
    assert.equal(status.visibility, "public");
    assert.equal(status.language, "en");
    assert.equal(status.sensitive, false);
    assert.equal(status.inReplyToId, null);
    assert.equal(status.reblog, null);
    assert.equal(status.favourited, false);
    assert.equal(status.reblogged, false);
    assert.equal(status.bookmarked, false);
    assert.match(stripHtml(status.content), /Hello from masto\.js &lt;3 #CompatTest/);
    assert.deepEqual(status.tags.map((t) => t.name), ["compattest"]);
    assert.equal(status.url, `${url}/@${username}/${status.id}`);
    // The posting app is never recorded (its name could single out the speaker).
    assert.equal(status.application, null);

    const fetched = await anonymousClient().v1.statuses.$select(status.id).fetch();
    assert.equal(fetched.id, status.id);
    assert.equal(fetched.content, status.content);
    assert.equal(fetched.favourited, undefined, "no viewer flags for anonymous readers");

    const me = await masto.v1.accounts.verifyCredentials();
    assert.equal(me.statusesCount, 1);
    assert.equal(typeof me.lastStatusAt, "string");
  });

  test("several statuses and their authors by id at once", async () => {
    const { masto, account } = await registerUser("batch");
    const one = await masto.v1.statuses.create({ status: "batch one" });
    const two = await masto.v1.statuses.create({ status: "batch two" });
    const fetched = await masto.v1.statuses.fetch({ id: [two.id, one.id] });
    assert.deepEqual(fetched.map((s) => s.id), [two.id, one.id]);
    fetched.forEach(assertStatusShape);
    const accounts = await masto.v1.accounts.fetch({ id: [account.id] });
    assert.deepEqual(accounts.map((a) => a.id), [account.id]);
  });

  test("spoiler text, sensitive flag and visibility are kept", async () => {
    const { masto } = await registerUser("cw");
    const status = await masto.v1.statuses.create({
      status: "behind a warning",
      spoilerText: "cw: spoilers",
      sensitive: true,
      visibility: "unlisted",
    });
    assert.equal(status.spoilerText, "cw: spoilers");
    assert.equal(status.sensitive, true);
    assert.equal(status.visibility, "unlisted");
  });

  test("an empty status is refused (422)", async () => {
    const { masto } = await registerUser("empty");
    await rejectsWithStatus(masto.v1.statuses.create({ status: "" }), 422);
  });

  test("the Idempotency-Key header makes a retry return the same status", async () => {
    const { masto } = await registerUser("idem");
    const meta = { requestInit: { headers: { "Idempotency-Key": "compat-retry-1" } } };
    const first = await masto.v1.statuses.create({ status: "only once" }, meta);
    const second = await masto.v1.statuses.create({ status: "only once" }, meta);
    assert.equal(second.id, first.id);
  });

  test("mentions are linked and listed", async () => {
    const author = await registerUser("mentioner");
    const target = await registerUser("mentionee");
    const status = await author.masto.v1.statuses.create({ status: `hi @${target.username}!` });
    assert.deepEqual(status.mentions.map((m) => [m.id, m.username, m.acct]),
      [[target.account.id, target.username, target.username]]);
    assert.match(status.content, new RegExp(`href="${url}/@${target.username}"`));
  });

  test("direct posts reach only the mentioned account", async () => {
    const author = await registerUser("dmauthor");
    const friend = await registerUser("dmfriend");
    const outsider = await registerUser("dmoutsider");
    const dm = await author.masto.v1.statuses.create({ status: `@${friend.username} just us`, visibility: "direct" });
    assert.equal(dm.visibility, "direct");
    const seen = await friend.masto.v1.statuses.$select(dm.id).fetch();
    assert.equal(seen.id, dm.id);
    await rejectsWithStatus(outsider.masto.v1.statuses.$select(dm.id).fetch(), 404);
    await rejectsWithStatus(anonymousClient().v1.statuses.$select(dm.id).fetch(), 404);
    // From someone the friend does not follow, the mention waits as a notification request
    // (Mastodon's default notification policy).
    const [request] = await friend.masto.v1.notifications.requests.list();
    assert.equal(request?.lastStatus?.id, dm.id);
    const profile = await outsider.masto.v1.accounts.$select(author.account.id).statuses.list();
    assert.ok(!profile.some((s) => s.id === dm.id));
  });

  test("posting needs a user token (401 anonymous)", async () => {
    await rejectsWithStatus(anonymousClient().v1.statuses.create({ status: "who am I" }), 401);
  });

  test("account statuses: newest first, exclude_replies, paging", async () => {
    const { masto, account } = await registerUser("lister");
    const other = await registerUser("listother");
    const elsewhere = await other.masto.v1.statuses.create({ status: "somewhere else" });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await masto.v1.statuses.create({ status: `post ${i}` })).id);
    const thread = await masto.v1.statuses.create({ status: "continuing my thread", inReplyToId: ids[2] });
    const reply = await masto.v1.statuses.create({ status: `@${other.username} replying`, inReplyToId: elsewhere.id });
    const everything = [reply.id, thread.id, ...[...ids].reverse()];

    const client = anonymousClient();
    const listed = await client.v1.accounts.$select(account.id).statuses.list();
    assert.deepEqual(listed.map((s) => s.id), everything);
    // As in Mastodon, exclude_replies drops replies to others but keeps self-replies (threads).
    const noReplies = await client.v1.accounts.$select(account.id).statuses.list({ excludeReplies: true });
    assert.deepEqual(noReplies.map((s) => s.id), [thread.id, ...[...ids].reverse()]);
    const pages = (await collectPages(client.v1.accounts.$select(account.id).statuses.list({ limit: 2 })))
      .filter((p) => p.length);
    assert.equal(pages.length, 3);
    assert.deepEqual(pages.flat().map((s) => s.id), everything);
  });
});

describe("replies", () => {
  test("in_reply_to_id threads a reply and context shows both sides", async () => {
    const op = await registerUser("op");
    const replier = await registerUser("replier");
    const root = await op.masto.v1.statuses.create({ status: "root post" });
    const reply = await replier.masto.v1.statuses.create({
      status: `@${op.username} a reply`,
      inReplyToId: root.id,
    });
    assert.equal(reply.inReplyToId, root.id);
    assert.equal(reply.inReplyToAccountId, op.account.id);
    const nested = await op.masto.v1.statuses.create({ status: "a reply to the reply", inReplyToId: reply.id });
    assert.equal(nested.inReplyToId, reply.id);

    const rootContext = await anonymousClient().v1.statuses.$select(root.id).context.fetch();
    assert.deepEqual(rootContext.ancestors, []);
    assert.deepEqual(rootContext.descendants.map((s) => s.id), [reply.id, nested.id]);

    const middle = await op.masto.v1.statuses.$select(reply.id).context.fetch();
    assert.deepEqual(middle.ancestors.map((s) => s.id), [root.id]);
    assert.deepEqual(middle.descendants.map((s) => s.id), [nested.id]);

    const refreshed = await op.masto.v1.statuses.$select(root.id).fetch();
    assert.equal(refreshed.repliesCount, 1);
  });

  test("replying to a missing status is a 404", async () => {
    const { masto } = await registerUser("orphan");
    await rejectsWithStatus(masto.v1.statuses.create({ status: "to nobody", inReplyToId: "999999999999" }), 404);
  });
});

describe("editing", () => {
  test("update edits the status; history and source follow", async () => {
    const { masto } = await registerUser("editor");
    const original = await masto.v1.statuses.create({ status: "first draft" });
    assert.equal(original.editedAt, null);

    const edited = await masto.v1.statuses.$select(original.id).update({
      status: "second draft",
      spoilerText: "edited",
    });
    assert.equal(edited.id, original.id);
    assert.match(stripHtml(edited.content), /second draft/);
    assert.equal(edited.spoilerText, "edited");
    assert.equal(typeof edited.editedAt, "string");
    assert.ok(!Number.isNaN(Date.parse(edited.editedAt)));

    const fetched = await masto.v1.statuses.$select(original.id).fetch();
    assert.match(stripHtml(fetched.content), /second draft/);

    const history = await masto.v1.statuses.$select(original.id).history.list();
    assert.equal(history.length, 2);
    assert.match(stripHtml(history[0].content), /first draft/);
    assert.match(stripHtml(history[1].content), /second draft/);
    assert.equal(history[1].spoilerText, "edited");
    for (const entry of history) {
      assert.equal(entry.account.id, original.account.id);
      assert.equal(typeof entry.createdAt, "string");
      assert.ok(Array.isArray(entry.mediaAttachments));
    }

    const source = await masto.v1.statuses.$select(original.id).source.fetch();
    assert.equal(source.id, original.id);
    assert.equal(source.text, "second draft");
    assert.equal(source.spoilerText, "edited");
  });

  // Mastodon looks the status up among the caller's own: anyone else's is not found.
  test("someone else cannot edit a status (404)", async () => {
    const author = await registerUser("owner");
    const intruder = await registerUser("intruder");
    const status = await author.masto.v1.statuses.create({ status: "mine" });
    await rejectsWithStatus(intruder.masto.v1.statuses.$select(status.id).update({ status: "yours" }), 404);
  });
});

describe("deleting", () => {
  test("a deleted status is gone (404) and its source text is returned", async () => {
    const { masto, account } = await registerUser("deleter");
    const status = await masto.v1.statuses.create({ status: "regrettable" });
    const deleted = await masto.v1.statuses.$select(status.id).remove();
    assert.equal(deleted.id, status.id);
    assert.equal(deleted.text, "regrettable");
    await rejectsWithStatus(masto.v1.statuses.$select(status.id).fetch(), 404);
    await rejectsWithStatus(anonymousClient().v1.statuses.$select(status.id).fetch(), 404);
    await rejectsWithStatus(masto.v1.statuses.$select(status.id).remove(), 404);
    const listed = await masto.v1.accounts.$select(account.id).statuses.list();
    assert.ok(!listed.some((s) => s.id === status.id));
  });

  test("someone else cannot delete a status (404) and it survives", async () => {
    const author = await registerUser("keeper");
    const intruder = await registerUser("vandal");
    const status = await author.masto.v1.statuses.create({ status: "keep me" });
    await rejectsWithStatus(intruder.masto.v1.statuses.$select(status.id).remove(), 404);
    const still = await author.masto.v1.statuses.$select(status.id).fetch();
    assert.equal(still.id, status.id);
  });
});

describe("favourites", () => {
  test("favourite, favourited_by, favourites list, unfavourite", async () => {
    const author = await registerUser("favauthor");
    const fan1 = await registerUser("fanone");
    const fan2 = await registerUser("fantwo");
    const status = await author.masto.v1.statuses.create({ status: "like me" });

    const faved = await fan1.masto.v1.statuses.$select(status.id).favourite();
    assert.equal(faved.id, status.id);
    assert.equal(faved.favourited, true);
    assert.equal(faved.favouritesCount, 1);
    const faved2 = await fan2.masto.v1.statuses.$select(status.id).favourite();
    assert.equal(faved2.favouritesCount, 2);
    // Favouriting twice changes nothing.
    const twice = await fan1.masto.v1.statuses.$select(status.id).favourite();
    assert.equal(twice.favouritesCount, 2);

    const by = await author.masto.v1.statuses.$select(status.id).favouritedBy.list();
    assert.deepEqual(by.map((a) => a.id), [fan2.account.id, fan1.account.id]);

    const other = await author.masto.v1.statuses.create({ status: "like me too" });
    await fan1.masto.v1.statuses.$select(other.id).favourite();
    const favourites = await fan1.masto.v1.favourites.list();
    assert.deepEqual(favourites.map((s) => s.id), [other.id, status.id]);
    assert.ok(favourites.every((s) => s.favourited === true));

    const unfaved = await fan1.masto.v1.statuses.$select(status.id).unfavourite();
    assert.equal(unfaved.favourited, false);
    assert.equal(unfaved.favouritesCount, 1);
    const after = await fan1.masto.v1.favourites.list();
    assert.deepEqual(after.map((s) => s.id), [other.id]);
  });

  test("favourites page with the masto paginator", async () => {
    const author = await registerUser("favpager");
    const fan = await registerUser("favpaged");
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const s = await author.masto.v1.statuses.create({ status: `fav ${i}` });
      await fan.masto.v1.statuses.$select(s.id).favourite();
      ids.push(s.id);
    }
    const pages = (await collectPages(fan.masto.v1.favourites.list({ limit: 2 }))).filter((p) => p.length);
    assert.equal(pages.length, 3);
    assert.deepEqual(pages.flat().map((s) => s.id), ids.reverse());
  });
});

describe("boosts", () => {
  test("reblog, reblogged_by, unreblog", async () => {
    const author = await registerUser("boosted");
    const booster = await registerUser("booster");
    const status = await author.masto.v1.statuses.create({ status: "boost me" });

    const boost = await booster.masto.v1.statuses.$select(status.id).reblog();
    assertStatusShape(boost);
    assert.notEqual(boost.id, status.id);
    assert.equal(boost.account.id, booster.account.id);
    assert.equal(boost.reblog?.id, status.id);
    assert.equal(boost.reblog.reblogsCount, 1);
    assert.equal(boost.reblogged, true);

    const by = await author.masto.v1.statuses.$select(status.id).rebloggedBy.list();
    assert.deepEqual(by.map((a) => a.id), [booster.account.id]);

    const seen = await booster.masto.v1.statuses.$select(status.id).fetch();
    assert.equal(seen.reblogged, true);
    assert.equal(seen.reblogsCount, 1);

    const listed = await anonymousClient().v1.accounts.$select(booster.account.id).statuses.list();
    assert.equal(listed[0]?.id, boost.id);
    assert.equal(listed[0].reblog?.id, status.id);

    const undone = await booster.masto.v1.statuses.$select(status.id).unreblog();
    assert.equal(undone.id, status.id);
    assert.equal(undone.reblogged, false);
    assert.equal(undone.reblogsCount, 0);
    assert.deepEqual(await author.masto.v1.statuses.$select(status.id).rebloggedBy.list(), []);
    await rejectsWithStatus(booster.masto.v1.statuses.$select(boost.id).fetch(), 404);
  });

  test("followers-only posts: the author may boost, a follower may not", async () => {
    const author = await registerUser("privauthor");
    const follower = await registerUser("privfollower");
    await follower.masto.v1.accounts.$select(author.account.id).follow();
    const status = await author.masto.v1.statuses.create({ status: "followers only", visibility: "private" });

    // Mastodon lets authors boost their own followers-only posts.
    const own = await author.masto.v1.statuses.$select(status.id).reblog();
    assert.equal(own.reblog?.id, status.id);
    await author.masto.v1.statuses.$select(status.id).unreblog();

    // Anyone else is refused. Mastodon answers 403 here; Publius answers 422 (its own
    // integration tests pin that), and masto surfaces either as a MastoHttpError.
    await rejectsWithStatus(follower.masto.v1.statuses.$select(status.id).reblog(), [403, 422]);
    const after = await author.masto.v1.statuses.$select(status.id).fetch();
    assert.equal(after.reblogsCount, 0);
    assert.deepEqual(await author.masto.v1.statuses.$select(status.id).rebloggedBy.list(), []);
  });
});

describe("bookmarks", () => {
  test("bookmark, bookmarks list, unbookmark", async () => {
    const author = await registerUser("bmauthor");
    const reader = await registerUser("bmreader");
    const a = await author.masto.v1.statuses.create({ status: "save me" });
    const b = await author.masto.v1.statuses.create({ status: "save me too" });

    const marked = await reader.masto.v1.statuses.$select(a.id).bookmark();
    assert.equal(marked.bookmarked, true);
    await reader.masto.v1.statuses.$select(b.id).bookmark();
    const list = await reader.masto.v1.bookmarks.list();
    assert.deepEqual(list.map((s) => s.id), [b.id, a.id]);
    assert.ok(list.every((s) => s.bookmarked === true));
    // Bookmarks are private: the author's view is unchanged.
    const authorView = await author.masto.v1.statuses.$select(a.id).fetch();
    assert.equal(authorView.bookmarked, false);

    const unmarked = await reader.masto.v1.statuses.$select(a.id).unbookmark();
    assert.equal(unmarked.bookmarked, false);
    assert.deepEqual((await reader.masto.v1.bookmarks.list()).map((s) => s.id), [b.id]);
  });
});

describe("pins", () => {
  test("pin, pinned statuses list, unpin", async () => {
    const { masto, account } = await registerUser("pinner");
    const a = await masto.v1.statuses.create({ status: "pin me" });
    const b = await masto.v1.statuses.create({ status: "not pinned" });
    assert.equal(a.pinned, false);

    const pinned = await masto.v1.statuses.$select(a.id).pin();
    assert.equal(pinned.pinned, true);
    const list = await anonymousClient().v1.accounts.$select(account.id).statuses.list({ pinned: true });
    assert.deepEqual(list.map((s) => s.id), [a.id]);
    const mine = await masto.v1.statuses.$select(b.id).fetch();
    assert.equal(mine.pinned, false);

    const unpinned = await masto.v1.statuses.$select(a.id).unpin();
    assert.equal(unpinned.pinned, false);
    const after = await masto.v1.accounts.$select(account.id).statuses.list({ pinned: true });
    assert.deepEqual(after, []);
  });

  test("someone else's status cannot be pinned (422)", async () => {
    const author = await registerUser("pinauthor");
    const other = await registerUser("pinother");
    const status = await author.masto.v1.statuses.create({ status: "not yours to pin" });
    await rejectsWithStatus(other.masto.v1.statuses.$select(status.id).pin(), 422);
  });
});
