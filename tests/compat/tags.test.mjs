// Followed hashtags with masto.js: a tag's entity, follow and unfollow, the followed tags paged
// by Link headers, and a followed tag's public posts in the home timeline.
import { describe, test } from "node:test";
import { randomBytes } from "node:crypto";
import {
  anonymousClient, assert, assertStatusShape, collectPages, registerUser, rejectsWithStatus,
} from "./lib.mjs";

function assertTagShape(tag, signedIn) {
  assert.equal(typeof tag.name, "string");
  assert.equal(typeof tag.url, "string");
  assert.ok(Array.isArray(tag.history), "tag.history");
  assert.equal(tag.history.length, 7);
  for (const day of tag.history) {
    for (const key of ["day", "uses", "accounts"]) assert.equal(typeof day[key], "string", key);
  }
  if (signedIn) assert.equal(typeof tag.following, "boolean");
  else assert.equal(tag.following, undefined);
}

describe("followed hashtags", () => {
  test("a tag is fetched, followed, listed and unfollowed", async () => {
    const tag = `Compat${randomBytes(4).toString("hex")}`;
    const name = tag.toLowerCase();
    const reader = await registerUser("tagreader");

    const anonymous = await anonymousClient().v1.tags.$select(tag).fetch();
    assertTagShape(anonymous, false);
    assert.equal(anonymous.name, name);
    assert.match(anonymous.url, new RegExp(`/tags/${name}$`));

    const before = await reader.masto.v1.tags.$select(tag).fetch();
    assertTagShape(before, true);
    assert.equal(before.following, false);

    const followed = await reader.masto.v1.tags.$select(tag).follow();
    assertTagShape(followed, true);
    assert.equal(followed.following, true);
    // Following again is fine (Mastodon 4.1+).
    assert.equal((await reader.masto.v1.tags.$select(name).follow()).following, true);

    const listed = (await collectPages(reader.masto.v1.followedTags.list())).flat();
    assert.deepEqual(listed.map((t) => t.name), [name]);
    listed.forEach((t) => assertTagShape(t, true));

    const unfollowed = await reader.masto.v1.tags.$select(tag).unfollow();
    assert.equal(unfollowed.following, false);
    assert.deepEqual((await collectPages(reader.masto.v1.followedTags.list())).flat(), []);

    await rejectsWithStatus(reader.masto.v1.tags.$select("123").fetch(), 404);
    await rejectsWithStatus(reader.masto.v1.tags.$select("123").follow(), 404);
    await rejectsWithStatus(anonymousClient().v1.tags.$select(tag).follow(), 401);
  });

  test("followed tags are paged by Link headers", async () => {
    const reader = await registerUser("tagpager");
    const names = [];
    for (let i = 0; i < 5; i++) {
      const name = `pg${randomBytes(4).toString("hex")}`;
      names.push(name);
      await reader.masto.v1.tags.$select(name).follow();
    }
    const pages = await collectPages(reader.masto.v1.followedTags.list({ limit: 2 }));
    assert.ok(pages.filter((p) => p.length > 0).length >= 3, "more than one page");
    for (const page of pages) assert.ok(page.length <= 2);
    const seen = pages.flat().map((t) => t.name);
    assert.equal(new Set(seen).size, seen.length, "no tag twice");
    assert.deepEqual([...seen].sort(), [...names].sort());
  });

  test("a followed tag's public posts reach the home timeline, once each", async () => {
    const tag = `home${randomBytes(4).toString("hex")}`;
    const reader = await registerUser("taghome");
    const stranger = await registerUser("tagstranger");
    const friend = await registerUser("tagfriend");
    await reader.masto.v1.accounts.$select(friend.account.id).follow();
    await reader.masto.v1.tags.$select(tag).follow();

    const tagged = await stranger.masto.v1.statuses.create({ status: `seen via #${tag}` });
    await stranger.masto.v1.statuses.create({ status: `#${tag} but unlisted`, visibility: "unlisted" });
    await stranger.masto.v1.statuses.create({ status: "no tag at all" });
    const fromFriend = await friend.masto.v1.statuses.create({ status: `#${tag} from a friend` });

    const home = await reader.masto.v1.timelines.home.list({ limit: 40 });
    home.forEach(assertStatusShape);
    assert.deepEqual(home.map((s) => s.id), [fromFriend.id, tagged.id]);
    assert.deepEqual(home[1].tags.map((t) => t.name), [tag]);

    // A muted author's tagged posts stay out.
    await reader.masto.v1.accounts.$select(stranger.account.id).mute();
    const muted = await reader.masto.v1.timelines.home.list({ limit: 40 });
    assert.deepEqual(muted.map((s) => s.id), [fromFriend.id]);
  });
});
