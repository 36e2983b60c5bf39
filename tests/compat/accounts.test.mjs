// Profiles, lookup, relationships: follow, block, mute and follow requests on a locked account.
import { describe, test } from "node:test";
import {
  anonymousClient, assert, assertAccountShape, collectPages, pngWithText, registerUser,
  rejectsWithStatus, stripHtml, TEXT_NEEDLE,
} from "./lib.mjs";

describe("profiles", () => {
  test("update_credentials sets display name, note and fields", async () => {
    const { masto, account } = await registerUser("prof");
    const updated = await masto.v1.accounts.updateCredentials({
      displayName: "Publius Compat",
      note: "Writing as #publius since 1787",
      fieldsAttributes: [
        { name: "Site", value: "https://example.org" },
        { name: "Motto", value: "pseudonymous & proud" },
      ],
    });
    assert.equal(updated.id, account.id);
    assert.equal(updated.displayName, "Publius Compat");
    assert.match(updated.note, /Writing as/);
    assert.match(updated.note, /publius/);
    assert.equal(updated.source.note, "Writing as #publius since 1787");
    assert.deepEqual(updated.fields.map((f) => f.name), ["Site", "Motto"]);
    assert.equal(stripHtml(updated.fields[1].value), "pseudonymous &amp; proud");
    assert.deepEqual(
      updated.source.fields.map((f) => [f.name, f.value]),
      [["Site", "https://example.org"], ["Motto", "pseudonymous & proud"]],
    );

    // The change is visible to others through the public account endpoint.
    const seen = await anonymousClient().v1.accounts.$select(account.id).fetch();
    assert.equal(seen.displayName, "Publius Compat");
    assert.equal(seen.fields.length, 2);

    // A partial update keeps what it does not mention.
    const again = await masto.v1.accounts.updateCredentials({ displayName: "Renamed" });
    assert.equal(again.displayName, "Renamed");
    assert.equal(again.source.note, "Writing as #publius since 1787");
    assert.equal(again.fields.length, 2);
  });

  test("update_credentials takes an avatar and a header; profile.*.remove() restores the defaults", async () => {
    const { masto, account } = await registerUser("pic");
    assert.match(account.avatar, /\/avatars\/original\/missing\.png$/);
    const png = pngWithText(64, 48);
    assert.ok(png.includes(TEXT_NEEDLE), "the upload carries the needle");
    const updated = await masto.v1.accounts.updateCredentials({
      displayName: "Pictured",
      avatar: new Blob([png], { type: "image/png" }),
      header: new Blob([png], { type: "image/png" }),
    });
    assertAccountShape(updated);
    assert.equal(updated.displayName, "Pictured");
    assert.match(updated.avatar, /\/system\/media\/[0-9a-f]{32}\.png$/);
    assert.match(updated.header, /\/system\/media\/[0-9a-f]{32}\.png$/);
    assert.equal(updated.avatarStatic, updated.avatar);
    assert.equal(updated.headerStatic, updated.header);
    for (const picture of [updated.avatar, updated.header]) {
      const served = await fetch(picture);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get("content-type"), "image/png");
      assert.ok(!Buffer.from(await served.arrayBuffer()).includes(TEXT_NEEDLE), "metadata is stripped");
    }
    const seen = await anonymousClient().v1.accounts.$select(account.id).fetch();
    assert.equal(seen.avatar, updated.avatar);

    await rejectsWithStatus(
      masto.v1.accounts.updateCredentials({ avatar: new Blob(["not an image"], { type: "image/png" }) }),
      422,
    );

    const noAvatar = await masto.v1.profile.avatar.remove();
    assert.match(noAvatar.avatar, /\/avatars\/original\/missing\.png$/);
    assert.equal(noAvatar.header, updated.header);
    assert.equal((await fetch(updated.avatar)).status, 404, "the old file is gone");
    const neither = await masto.v1.profile.header.remove();
    assert.match(neither.header, /\/headers\/original\/missing\.png$/);
  });

  test("update_credentials keeps discoverable, indexable and hide_collections; hidden collections list nothing", async () => {
    const shy = await registerUser("shy");
    const fan = await registerUser("shyfan");
    await fan.masto.v1.accounts.$select(shy.account.id).follow();
    const updated = await shy.masto.v1.accounts.updateCredentials({
      discoverable: true, indexable: false, hideCollections: true,
    });
    assert.equal(updated.discoverable, true);
    assert.equal(updated.indexable, false);
    assert.equal(updated.hideCollections, true);
    assert.equal(updated.source.indexable, false);
    assert.equal(updated.source.hideCollections, true);
    const seen = await fan.masto.v1.accounts.$select(shy.account.id).fetch();
    assert.equal(seen.hideCollections, true);
    assert.equal(seen.followersCount, 1);
    assert.deepEqual(await fan.masto.v1.accounts.$select(shy.account.id).followers.list(), []);
    const own = await shy.masto.v1.accounts.$select(shy.account.id).followers.list();
    assert.deepEqual(own.map((a) => a.id), [fan.account.id]);
  });

  test("update_credentials rejects an over-long display name (422)", async () => {
    const { masto } = await registerUser("long");
    await rejectsWithStatus(masto.v1.accounts.updateCredentials({ displayName: "x".repeat(31) }), 422);
  });

  test("update_credentials sets posting defaults that new statuses take", async () => {
    const { masto } = await registerUser("defaults");
    const updated = await masto.v1.accounts.updateCredentials({
      source: { privacy: "unlisted", sensitive: true, language: "fr" },
    });
    assert.equal(updated.source.privacy, "unlisted");
    assert.equal(updated.source.sensitive, true);
    assert.equal(updated.source.language, "fr");
    const preferences = await masto.v1.preferences.fetch();
    assert.equal(preferences["posting:default:visibility"], "unlisted");
    const status = await masto.v1.statuses.create({ status: "with my defaults" });
    assert.equal(status.visibility, "unlisted");
    assert.equal(status.sensitive, true);
    assert.equal(status.language, "fr");
    await rejectsWithStatus(
      masto.v1.accounts.updateCredentials({ source: { privacy: "everyone" } }), 422);
    await rejectsWithStatus(
      masto.v1.accounts.updateCredentials({ source: { language: "xx" } }), 422);
  });

  test("lookup finds an account by acct, with or without the domain", async () => {
    const { account, username } = await registerUser("look");
    const client = anonymousClient();
    const found = await client.v1.accounts.lookup({ acct: username });
    assertAccountShape(found);
    assert.equal(found.id, account.id);
    const withDomain = await client.v1.accounts.lookup({ acct: `${username}@localhost` });
    assert.equal(withDomain.id, account.id);
    await rejectsWithStatus(client.v1.accounts.lookup({ acct: "nobody_here_at_all" }), 404);
    await rejectsWithStatus(client.v1.accounts.$select("999999999999").fetch(), 404);
  });

  test("v1 account search finds by username prefix", async () => {
    const a = await registerUser("findme");
    const b = await registerUser("viewer");
    const found = await b.masto.v1.accounts.search.list({ q: a.username.slice(0, -1), limit: 5 });
    assert.ok(found.some((x) => x.id === a.account.id), "search finds the account");
  });
});

describe("following", () => {
  test("a private note shows in the writer's relationship only", async () => {
    const writer = await registerUser("notewriter");
    const subject = await registerUser("notesubject");
    const rel = await writer.masto.v1.accounts.$select(subject.account.id).note.create({ comment: "met at the march" });
    assert.equal(rel.note, "met at the march");
    const [again] = await writer.masto.v1.accounts.relationships.fetch({ id: [subject.account.id] });
    assert.equal(again.note, "met at the march");
    const [theirs] = await subject.masto.v1.accounts.relationships.fetch({ id: [writer.account.id] });
    assert.equal(theirs.note, "");
  });

  test("removeFromFollowers ends their follow", async () => {
    const star = await registerUser("removestar");
    const fan = await registerUser("removefan");
    await fan.masto.v1.accounts.$select(star.account.id).follow();
    await star.masto.v1.accounts.$select(fan.account.id).removeFromFollowers();
    const [rel] = await star.masto.v1.accounts.relationships.fetch({ id: [fan.account.id] });
    assert.equal(rel.followedBy, false);
    const followers = await star.masto.v1.accounts.$select(star.account.id).followers.list();
    assert.deepEqual(followers, []);
  });

  test("follow and unfollow update relationships, counts and lists", async () => {
    const alice = await registerUser("alice");
    const bob = await registerUser("bob");

    const rel = await alice.masto.v1.accounts.$select(bob.account.id).follow();
    assert.equal(rel.id, bob.account.id);
    assert.equal(rel.following, true);
    assert.equal(rel.requested, false);
    assert.equal(rel.followedBy, false);
    assert.equal(rel.showingReblogs, true);

    const [fromAlice] = await alice.masto.v1.accounts.relationships.fetch({ id: [bob.account.id] });
    assert.equal(fromAlice.following, true);
    const [fromBob] = await bob.masto.v1.accounts.relationships.fetch({ id: [alice.account.id] });
    assert.equal(fromBob.followedBy, true);
    assert.equal(fromBob.following, false);

    const bobNow = await alice.masto.v1.accounts.$select(bob.account.id).fetch();
    assert.equal(bobNow.followersCount, 1);
    const aliceNow = await alice.masto.v1.accounts.verifyCredentials();
    assert.equal(aliceNow.followingCount, 1);

    const followers = await bob.masto.v1.accounts.$select(bob.account.id).followers.list();
    assert.deepEqual(followers.map((a) => a.id), [alice.account.id]);
    const following = await bob.masto.v1.accounts.$select(alice.account.id).following.list();
    assert.deepEqual(following.map((a) => a.id), [bob.account.id]);

    const after = await alice.masto.v1.accounts.$select(bob.account.id).unfollow();
    assert.equal(after.following, false);
    const followersAfter = await bob.masto.v1.accounts.$select(bob.account.id).followers.list();
    assert.deepEqual(followersAfter, []);
  });

  test("relationships for several ids come back in order", async () => {
    const me = await registerUser("multi");
    const x = await registerUser("multix");
    const y = await registerUser("multiy");
    await me.masto.v1.accounts.$select(y.account.id).follow();
    const rels = await me.masto.v1.accounts.relationships.fetch({ id: [x.account.id, y.account.id] });
    assert.deepEqual(rels.map((r) => [r.id, r.following]), [[x.account.id, false], [y.account.id, true]]);
  });

  test("following lists page with the masto paginator", async () => {
    const star = await registerUser("star");
    const fans = [];
    for (let i = 0; i < 5; i++) fans.push(await registerUser(`fan${i}`));
    for (const fan of fans) await fan.masto.v1.accounts.$select(star.account.id).follow();
    const pages = await collectPages(star.masto.v1.accounts.$select(star.account.id).followers.list({ limit: 2 }));
    const nonEmpty = pages.filter((p) => p.length > 0);
    assert.ok(nonEmpty.length >= 3, `expected 3 pages, got ${nonEmpty.length}`);
    for (const page of nonEmpty) assert.ok(page.length <= 2);
    const ids = pages.flat().map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length, "no duplicates");
    // Newest follower first.
    assert.deepEqual(ids, fans.map((f) => f.account.id).reverse());
  });

  test("cannot follow yourself (403) or a missing account (404)", async () => {
    const me = await registerUser("self");
    await rejectsWithStatus(me.masto.v1.accounts.$select(me.account.id).follow(), 403);
    await rejectsWithStatus(me.masto.v1.accounts.$select("999999999999").follow(), 404);
  });
});

describe("locked accounts", () => {
  test("follow request flow: requested, listed, authorized, rejected", async () => {
    const owner = await registerUser("locked");
    const asker = await registerUser("asker");
    const other = await registerUser("other");
    const locked = await owner.masto.v1.accounts.updateCredentials({ locked: true });
    assert.equal(locked.locked, true);

    const rel = await asker.masto.v1.accounts.$select(owner.account.id).follow();
    assert.equal(rel.following, false);
    assert.equal(rel.requested, true);
    await other.masto.v1.accounts.$select(owner.account.id).follow();

    const noticed = await owner.masto.v1.notifications.list({ types: ["follow_request"] });
    assert.deepEqual(new Set(noticed.map((n) => n.account.id)), new Set([asker.account.id, other.account.id]));
    assert.ok(noticed.every((n) => n.type === "follow_request"));

    const requests = await owner.masto.v1.followRequests.list();
    assert.deepEqual(new Set(requests.map((a) => a.id)), new Set([asker.account.id, other.account.id]));
    const [requestedBy] = await owner.masto.v1.accounts.relationships.fetch({ id: [asker.account.id] });
    assert.equal(requestedBy.requestedBy, true);
    const me = await owner.masto.v1.accounts.verifyCredentials();
    assert.equal(me.source.followRequestsCount, 2);

    const authorized = await owner.masto.v1.followRequests.$select(asker.account.id).authorize();
    assert.equal(authorized.id, asker.account.id);
    assert.equal(authorized.followedBy, true);
    const rejected = await owner.masto.v1.followRequests.$select(other.account.id).reject();
    assert.equal(rejected.followedBy, false);
    assert.equal(rejected.requestedBy, false);

    const [askerRel] = await asker.masto.v1.accounts.relationships.fetch({ id: [owner.account.id] });
    assert.equal(askerRel.following, true);
    assert.equal(askerRel.requested, false);
    const [otherRel] = await other.masto.v1.accounts.relationships.fetch({ id: [owner.account.id] });
    assert.equal(otherRel.following, false);
    assert.equal(otherRel.requested, false);
    assert.deepEqual(await owner.masto.v1.followRequests.list(), []);

    // Authorizing a request that no longer exists is a 404.
    await rejectsWithStatus(owner.masto.v1.followRequests.$select(other.account.id).authorize(), 404);
  });
});

describe("blocks and mutes", () => {
  test("block: relationship flags, blocks list, follow severed and refused; unblock", async () => {
    const me = await registerUser("blocker");
    const them = await registerUser("blocked");
    await them.masto.v1.accounts.$select(me.account.id).follow();

    const rel = await me.masto.v1.accounts.$select(them.account.id).block();
    assert.equal(rel.blocking, true);
    assert.equal(rel.followedBy, false, "blocking removes their follow");
    const [theirs] = await them.masto.v1.accounts.relationships.fetch({ id: [me.account.id] });
    assert.equal(theirs.blockedBy, true);
    assert.equal(theirs.following, false);
    await rejectsWithStatus(them.masto.v1.accounts.$select(me.account.id).follow(), 403);

    const blocks = await me.masto.v1.blocks.list();
    assert.deepEqual(blocks.map((a) => a.id), [them.account.id]);

    const unblocked = await me.masto.v1.accounts.$select(them.account.id).unblock();
    assert.equal(unblocked.blocking, false);
    assert.deepEqual(await me.masto.v1.blocks.list(), []);
  });

  test("mute: relationship flags, mutes list, notifications option; unmute", async () => {
    const me = await registerUser("muter");
    const them = await registerUser("muted");
    const rel = await me.masto.v1.accounts.$select(them.account.id).mute({ notifications: false });
    assert.equal(rel.muting, true);
    assert.equal(rel.mutingNotifications, false);
    const mutes = await me.masto.v1.mutes.list();
    assert.deepEqual(mutes.map((a) => a.id), [them.account.id]);

    const again = await me.masto.v1.accounts.$select(them.account.id).mute();
    assert.equal(again.muting, true);
    assert.equal(again.mutingNotifications, true);

    const unmuted = await me.masto.v1.accounts.$select(them.account.id).unmute();
    assert.equal(unmuted.muting, false);
    assert.deepEqual(await me.masto.v1.mutes.list(), []);
  });
});

describe("featured tags", () => {
  test("feature, list (own and anyone's), suggestions and unfeature", async () => {
    const { masto, account } = await registerUser("feat");
    const tag = `Compat${account.id}`;
    await masto.v1.statuses.create({ status: `#${tag} in the open` });
    await masto.v1.statuses.create({ status: `#${tag} for friends`, visibility: "private" });
    await masto.v1.statuses.create({ status: `#Suggested${account.id} too` });

    const featured = await masto.v1.featuredTags.create({ name: tag });
    assert.equal(featured.name, tag.toLowerCase());
    // Only the post anyone may see counts; Mastodon sends the count as a string.
    assert.equal(String(featured.statusesCount), "1");
    assert.match(featured.lastStatusAt, /^\d{4}-\d{2}-\d{2}/);
    assert.equal((await masto.v1.featuredTags.create({ name: `#${tag}` })).id, featured.id);

    assert.deepEqual((await masto.v1.featuredTags.list()).map((f) => f.id), [featured.id]);
    const shown = await anonymousClient().v1.accounts.$select(account.id).featuredTags.list();
    assert.deepEqual(shown.map((f) => f.name), [tag.toLowerCase()]);

    const suggested = await masto.v1.featuredTags.suggestions.list();
    assert.deepEqual(suggested.map((t) => t.name), [`suggested${account.id}`]);
    assert.equal(suggested[0].history.length, 7);

    await masto.v1.featuredTags.$select(featured.id).remove();
    assert.deepEqual(await masto.v1.featuredTags.list(), []);
    await rejectsWithStatus(masto.v1.featuredTags.$select(featured.id).remove(), 404);
    await rejectsWithStatus(masto.v1.featuredTags.create({ name: "123" }), 422);
  });
});

describe("endorsements and familiar followers", () => {
  test("pin only whom you follow; endorsed in relationships; listed; unpin", async () => {
    const me = await registerUser("pinner");
    const them = await registerUser("pinned");
    await rejectsWithStatus(me.masto.v1.accounts.$select(them.account.id).pin(), 422);
    await me.masto.v1.accounts.$select(them.account.id).follow();
    const rel = await me.masto.v1.accounts.$select(them.account.id).pin();
    assert.equal(rel.endorsed, true);
    const [again] = await me.masto.v1.accounts.relationships.fetch({ id: [them.account.id] });
    assert.equal(again.endorsed, true);
    const endorsed = await me.masto.v1.endorsements.list();
    assert.deepEqual(endorsed.map((a) => a.id), [them.account.id]);
    assertAccountShape(endorsed[0]);
    const unpinned = await me.masto.v1.accounts.$select(them.account.id).unpin();
    assert.equal(unpinned.endorsed, false);
    assert.deepEqual(await me.masto.v1.endorsements.list(), []);
    await rejectsWithStatus(me.masto.v1.accounts.$select("999999999").pin(), 404);
  });

  test("familiar followers are the followers you follow", async () => {
    const me = await registerUser("fam");
    const friend = await registerUser("famfriend");
    const target = await registerUser("famtarget");
    await me.masto.v1.accounts.$select(friend.account.id).follow();
    await friend.masto.v1.accounts.$select(target.account.id).follow();
    const familiar = await me.masto.v1.accounts.familiarFollowers.fetch({
      id: [target.account.id, friend.account.id],
    });
    assert.equal(familiar.length, 2);
    assert.equal(familiar[0].id, target.account.id);
    assert.deepEqual(familiar[0].accounts.map((a) => a.id), [friend.account.id]);
    assert.deepEqual(familiar[1].accounts, []);
  });
});

describe("directory", () => {
  test("lists only accounts that chose to be discoverable, in either order", async () => {
    const listed = await registerUser("dirlisted");
    const quiet = await registerUser("dirquiet");
    assert.equal(listed.account.discoverable, false);
    const updated = await listed.masto.v1.accounts.updateCredentials({ discoverable: true });
    assert.equal(updated.discoverable, true);
    await listed.masto.v1.statuses.create({ status: "I am in the directory" });

    const newest = await anonymousClient().v1.directory.list({ order: "new", limit: 80 });
    assert.ok(newest.some((a) => a.id === listed.account.id));
    assert.ok(!newest.some((a) => a.id === quiet.account.id));
    const active = await quiet.masto.v1.directory.list({ order: "active", local: true });
    assert.ok(active.some((a) => a.id === listed.account.id));
    active.forEach(assertAccountShape);
    const skipped = await anonymousClient().v1.directory.list({ order: "new", offset: 100000 });
    assert.deepEqual(skipped, []);
    await rejectsWithStatus(anonymousClient().v1.directory.list({ order: "oldest" }), 400);
  });
});
