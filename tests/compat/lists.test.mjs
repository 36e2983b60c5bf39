// Lists with masto.js: create, rename, members (followed accounts only), the list
// timeline paged by Link headers, and deletion.
import { describe, test } from "node:test";
import {
  assert, assertAccountShape, assertStatusShape, collectPages, registerUser, rejectsWithStatus,
} from "./lib.mjs";

describe("lists", () => {
  test("a list of followed accounts has their posts in its timeline", async () => {
    const owner = await registerUser("listowner");
    const member = await registerUser("listmember");
    const stranger = await registerUser("liststranger");
    await owner.masto.v1.accounts.$select(member.account.id).follow();

    const list = await owner.masto.v1.lists.create({ title: "Sources" });
    assert.equal(list.title, "Sources");
    assert.equal(list.repliesPolicy, "list");
    assert.equal(list.exclusive, false);

    await owner.masto.v1.lists.$select(list.id).accounts.create({ accountIds: [member.account.id] });
    const members = (await collectPages(owner.masto.v1.lists.$select(list.id).accounts.list())).flat();
    members.forEach(assertAccountShape);
    assert.deepEqual(members.map((a) => a.id), [member.account.id]);
    const containing = await owner.masto.v1.accounts.$select(member.account.id).lists.list();
    assert.deepEqual(containing.map((l) => l.id), [list.id]);

    // Only followed accounts may join.
    await rejectsWithStatus(
      owner.masto.v1.lists.$select(list.id).accounts.create({ accountIds: [stranger.account.id] }),
      422,
    );

    const posted = [];
    for (let i = 0; i < 5; i++)
      posted.push((await member.masto.v1.statuses.create({ status: `list post ${i}` })).id);
    await stranger.masto.v1.statuses.create({ status: "not in the list" });
    const pages = await collectPages(owner.masto.v1.timelines.list.$select(list.id).list({ limit: 2 }));
    assert.ok(pages.filter((p) => p.length > 0).length >= 3, "paged by Link headers");
    const statuses = pages.flat();
    statuses.forEach(assertStatusShape);
    assert.deepEqual(statuses.map((s) => s.id), posted.reverse());

    const renamed = await owner.masto.v1.lists.$select(list.id).update({ title: "Reporters" });
    assert.equal(renamed.title, "Reporters");
    assert.equal((await owner.masto.v1.lists.$select(list.id).fetch()).title, "Reporters");

    await owner.masto.v1.lists.$select(list.id).accounts.remove({ accountIds: [member.account.id] });
    const after = (await collectPages(owner.masto.v1.lists.$select(list.id).accounts.list())).flat();
    assert.deepEqual(after, []);

    // Someone else cannot see it; its owner can delete it.
    await rejectsWithStatus(stranger.masto.v1.lists.$select(list.id).fetch(), 404);
    await owner.masto.v1.lists.$select(list.id).remove();
    assert.deepEqual(await owner.masto.v1.lists.list(), []);
  });
  test("an exclusive list keeps its members' posts out of home, and says so", async () => {
    const owner = await registerUser("exclowner");
    const member = await registerUser("exclmember");
    const friend = await registerUser("exclfriend");
    await owner.masto.v1.accounts.$select(member.account.id).follow();
    await owner.masto.v1.accounts.$select(friend.account.id).follow();
    const list = await owner.masto.v1.lists.create({ title: "Close", exclusive: true });
    assert.equal(list.exclusive, true);
    await owner.masto.v1.lists.$select(list.id).accounts.create({ accountIds: [member.account.id] });
    await owner.masto.v1.timelines.home.list();  // warm
    const listed = await member.masto.v1.statuses.create({ status: "list only" });
    const homed = await friend.masto.v1.statuses.create({ status: "home" });
    assert.deepEqual((await owner.masto.v1.timelines.home.list()).map((s) => s.id), [homed.id]);
    assert.deepEqual((await owner.masto.v1.timelines.list.$select(list.id).list()).map((s) => s.id), [listed.id]);
    const opened = await owner.masto.v1.lists.$select(list.id).update({ title: "Close", exclusive: false });
    assert.equal(opened.exclusive, false);
    assert.deepEqual((await owner.masto.v1.timelines.home.list()).map((s) => s.id), [homed.id, listed.id]);
  });
});
