// Notifications (mention, follow, favourite, reblog; filters; paging; dismiss; clear) and
// read markers.
import { before, describe, test } from "node:test";
import {
  assert, assertAccountShape, assertStatusShape, assertStrictlyDescending, collectPages,
  registerUser, rejectsWithStatus,
} from "./lib.mjs";

describe("notifications", () => {
  let me, actor, bystander, myPost, mention;

  before(async () => {
    me = await registerUser("notified");
    actor = await registerUser("actor");
    bystander = await registerUser("bystander");
    myPost = await me.masto.v1.statuses.create({ status: "notice me" });
    // One of each, in this order: follow, mention, favourite, reblog.
    await actor.masto.v1.accounts.$select(me.account.id).follow();
    mention = await actor.masto.v1.statuses.create({ status: `hello @${me.username}` });
    await actor.masto.v1.statuses.$select(myPost.id).favourite();
    await actor.masto.v1.statuses.$select(myPost.id).reblog();
    // A favourite from someone else, for the account filter.
    await bystander.masto.v1.statuses.$select(myPost.id).favourite();
  });

  test("v2 groups the two favourites of one post, with accounts and statuses alongside", async () => {
    const grouped = await me.masto.v2.notifications.list({ limit: 40 });
    assert.deepEqual(grouped.notificationGroups.map((g) => g.type), ["favourite", "reblog", "mention", "follow"]);
    const favourites = grouped.notificationGroups[0];
    assert.equal(favourites.notificationsCount, 2);
    assert.equal(favourites.statusId, myPost.id);
    assert.deepEqual([...favourites.sampleAccountIds].sort(), [actor.account.id, bystander.account.id].sort());
    assert.ok(grouped.accounts.some((a) => a.id === bystander.account.id));
    grouped.accounts.forEach(assertAccountShape);
    assert.ok(grouped.statuses.some((s) => s.id === myPost.id));
    const accounts = await me.masto.v2.notifications.$select(favourites.groupKey).accounts.fetch();
    assert.equal(accounts.length, 2);
    const { count } = await me.masto.v2.notifications.unreadCount.fetch();
    assert.equal(count, 4);
  });

  test("lists every kind, newest first, with account and status", async () => {
    const list = await me.masto.v1.notifications.list();
    assert.deepEqual(list.map((n) => n.type), ["favourite", "reblog", "favourite", "mention", "follow"]);
    assertStrictlyDescending(list, "notifications");
    for (const n of list) {
      assert.match(n.id, /^\d+$/);
      assert.ok(!Number.isNaN(Date.parse(n.createdAt)));
      assertAccountShape(n.account);
      assert.equal(typeof n.groupKey, "string");
    }
    const [byBystander, reblog, favourite, mentioned, follow] = list;
    assert.equal(byBystander.account.id, bystander.account.id);
    assert.equal(reblog.account.id, actor.account.id);
    assert.equal(reblog.status?.id, myPost.id);
    assertStatusShape(reblog.status);
    assert.equal(favourite.status?.id, myPost.id);
    assert.equal(mentioned.status?.id, mention.id);
    assert.equal(follow.account.id, actor.account.id);
    assert.equal(follow.status, undefined, "Mastodon leaves `status` out of a follow");
  });

  test("types filter (one type, several types) and exclude_types", async () => {
    const mentions = await me.masto.v1.notifications.list({ types: ["mention"] });
    assert.deepEqual(mentions.map((n) => n.type), ["mention"]);
    assert.equal(mentions[0].status.id, mention.id);

    const several = await me.masto.v1.notifications.list({ types: ["follow", "reblog"] });
    assert.deepEqual(several.map((n) => n.type), ["reblog", "follow"]);

    const excluded = await me.masto.v1.notifications.list({ excludeTypes: ["favourite", "follow"] });
    assert.deepEqual(excluded.map((n) => n.type), ["reblog", "mention"]);

    const none = await me.masto.v1.notifications.list({ types: ["poll"] });
    assert.deepEqual(none, []);
  });

  test("account_id filter", async () => {
    const fromBystander = await me.masto.v1.notifications.list({ accountId: bystander.account.id });
    assert.deepEqual(fromBystander.map((n) => [n.type, n.account.id]), [["favourite", bystander.account.id]]);
  });

  test("pages with the masto paginator, keeping the filter on every page", async () => {
    const pages = await collectPages(me.masto.v1.notifications.list({ limit: 2 }));
    const all = pages.flat();
    assert.ok(pages.filter((p) => p.length).length >= 3);
    assert.ok(pages.every((p) => p.length <= 2));
    assertStrictlyDescending(all, "notification pages");
    assert.deepEqual(all.map((n) => n.type), ["favourite", "reblog", "favourite", "mention", "follow"]);

    const filtered = await collectPages(me.masto.v1.notifications.list({ limit: 1, types: ["favourite", "follow"] }));
    assert.deepEqual(filtered.flat().map((n) => n.type), ["favourite", "favourite", "follow"]);
  });

  test("fetches one notification, dismisses it, then it is gone (404)", async () => {
    const [first] = await me.masto.v1.notifications.list({ types: ["follow"] });
    const one = await me.masto.v1.notifications.$select(first.id).fetch();
    assert.equal(one.id, first.id);
    assert.equal(one.type, "follow");

    await me.masto.v1.notifications.$select(first.id).dismiss();
    await rejectsWithStatus(me.masto.v1.notifications.$select(first.id).fetch(), 404);
    const remaining = await me.masto.v1.notifications.list();
    assert.ok(!remaining.some((n) => n.id === first.id));
    assert.equal(remaining.length, 4);
    // Nobody else can dismiss or read my notifications.
    await rejectsWithStatus(actor.masto.v1.notifications.$select(remaining[0].id).fetch(), 404);
    await rejectsWithStatus(actor.masto.v1.notifications.$select(remaining[0].id).dismiss(), 404);
  });

  test("clear removes them all", async () => {
    const other = await registerUser("clearme");
    await actor.masto.v1.accounts.$select(other.account.id).follow();
    assert.equal((await other.masto.v1.notifications.list()).length, 1);
    await other.masto.v1.notifications.clear();
    assert.deepEqual(await other.masto.v1.notifications.list(), []);
  });

  test("muting an account with notifications hides its notifications", async () => {
    const quiet = await registerUser("quiet");
    const noisy = await registerUser("noisy");
    await quiet.masto.v1.accounts.$select(noisy.account.id).mute({ notifications: true });
    await noisy.masto.v1.statuses.create({ status: `psst @${quiet.username}` });
    assert.deepEqual(await quiet.masto.v1.notifications.list(), []);
  });
});

describe("markers", () => {
  test("saves and reads home and notifications markers", async () => {
    const { masto } = await registerUser("marker");
    const a = await masto.v1.statuses.create({ status: "read up to here" });
    const empty = await masto.v1.markers.fetch({ timeline: ["home", "notifications"] });
    assert.deepEqual(empty, {});

    const saved = await masto.v1.markers.create({
      home: { lastReadId: a.id },
      notifications: { lastReadId: "12345" },
    });
    assert.equal(saved.home.lastReadId, a.id);
    assert.equal(saved.notifications.lastReadId, "12345");
    assert.equal(typeof saved.home.version, "number");
    assert.ok(!Number.isNaN(Date.parse(saved.home.updatedAt)));

    const both = await masto.v1.markers.fetch({ timeline: ["home", "notifications"] });
    assert.equal(both.home.lastReadId, a.id);
    assert.equal(both.notifications.lastReadId, "12345");

    const onlyHome = await masto.v1.markers.fetch({ timeline: ["home"] });
    assert.deepEqual(Object.keys(onlyHome), ["home"]);

    const b = await masto.v1.statuses.create({ status: "and now here" });
    const moved = await masto.v1.markers.create({ home: { lastReadId: b.id } });
    assert.equal(moved.home.lastReadId, b.id);
    assert.ok(moved.home.version > saved.home.version, "version increases on update");
    assert.equal(moved.notifications, undefined);
  });
});

describe("unread count", () => {
  test("counts notifications newer than the notifications marker, with types and a limit", async () => {
    const me = await registerUser("unread");
    const other = await registerUser("unreader");
    const post = await me.masto.v1.statuses.create({ status: "count these" });
    await other.masto.v1.statuses.$select(post.id).favourite();
    await other.masto.v1.accounts.$select(me.account.id).follow();
    assert.equal((await me.masto.v1.notifications.unreadCount.fetch()).count, 2);
    assert.equal((await me.masto.v1.notifications.unreadCount.fetch({ limit: 1 })).count, 1);
    assert.equal((await me.masto.v1.notifications.unreadCount.fetch({ types: ["follow"] })).count, 1);
    assert.equal((await me.masto.v1.notifications.unreadCount.fetch({ excludeTypes: ["follow"] })).count, 1);
    const [newest] = await me.masto.v1.notifications.list({ limit: 1 });
    await me.masto.v1.markers.create({ notifications: { lastReadId: newest.id } });
    assert.equal((await me.masto.v1.notifications.unreadCount.fetch()).count, 0);
  });
});

describe("notification policy and requests", () => {
  test("private mentions from strangers wait as a request until accepted", async () => {
    const me = await registerUser("policy");
    const stranger = await registerUser("stranger");
    const policy = await me.masto.v2.notifications.policy.fetch();
    assert.equal(policy.forNotFollowing, "accept");
    assert.equal(policy.forPrivateMentions, "filter");
    assert.equal(policy.summary.pendingRequestsCount, 0);

    const dm = await stranger.masto.v1.statuses.create({ status: `@${me.username} a tip`, visibility: "direct" });
    assert.deepEqual(await me.masto.v1.notifications.list(), []);
    const held = await me.masto.v2.notifications.policy.fetch();
    assert.equal(held.summary.pendingRequestsCount, 1);
    assert.equal(held.summary.pendingNotificationsCount, 1);

    const requests = (await collectPages(me.masto.v1.notifications.requests.list())).flat();
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request.account.id, stranger.account.id);
    assertAccountShape(request.account);
    assert.equal(Number(request.notificationsCount), 1);
    assert.equal(request.lastStatus?.id, dm.id);
    assertStatusShape(request.lastStatus);
    assert.ok(!Number.isNaN(Date.parse(request.createdAt)));
    assert.equal((await me.masto.v1.notifications.requests.$select(request.id).fetch()).id, request.id);

    await me.masto.v1.notifications.requests.$select(request.id).accept();
    assert.equal((await me.masto.v1.notifications.requests.merged.fetch()).merged, true);
    const shown = await me.masto.v1.notifications.list();
    assert.deepEqual(shown.map((n) => [n.type, n.status?.id]), [["mention", dm.id]]);
    assert.deepEqual((await collectPages(me.masto.v1.notifications.requests.list())).flat(), []);
    await rejectsWithStatus(me.masto.v1.notifications.requests.$select(request.id).fetch(), 404);
  });

  test("update changes what is held back; bulk accept and dismiss take ids", async () => {
    const me = await registerUser("policyup");
    const a = await registerUser("knocka");
    const b = await registerUser("knockb");
    const updated = await me.masto.v2.notifications.policy.update({ forNotFollowing: "filter" });
    assert.equal(updated.forNotFollowing, "filter");
    assert.equal(updated.forPrivateMentions, "filter");
    await a.masto.v1.statuses.create({ status: `@${me.username} hello` });
    await b.masto.v1.statuses.create({ status: `@${me.username} hello too` });
    assert.deepEqual(await me.masto.v1.notifications.list(), []);
    const [ofB, ofA] = (await collectPages(me.masto.v1.notifications.requests.list())).flat();
    assert.equal(ofA.account.id, a.account.id);
    assert.equal(ofB.account.id, b.account.id);

    await me.masto.v1.notifications.requests.accept({ id: [ofA.id] });
    await me.masto.v1.notifications.requests.dismiss({ id: [ofB.id] });
    const shown = await me.masto.v1.notifications.list();
    assert.deepEqual(shown.map((n) => n.account.id), [a.account.id]);
    assert.deepEqual((await collectPages(me.masto.v1.notifications.requests.list())).flat(), []);

    await me.masto.v2.notifications.policy.update({ forNotFollowing: "drop" });
    await b.masto.v1.statuses.create({ status: `@${me.username} dropped` });
    assert.deepEqual((await collectPages(me.masto.v1.notifications.requests.list())).flat(), []);
    assert.equal((await me.masto.v1.notifications.list()).length, 1);
    await rejectsWithStatus(me.masto.v2.notifications.policy.update({ forNewAccounts: "maybe" }), 422);
  });
});

describe("muted threads", () => {
  test("mute stops a thread's notifications and shows on the status; unmute restores them", async () => {
    const me = await registerUser("threadmuter");
    const other = await registerUser("threadother");
    const root = await me.masto.v1.statuses.create({ status: "my thread" });
    const muted = await me.masto.v1.statuses.$select(root.id).mute();
    assert.equal(muted.id, root.id);
    assert.equal(muted.muted, true);
    await other.masto.v1.statuses.$select(root.id).favourite();
    await other.masto.v1.statuses.create({ status: `@${me.username} in the thread`, inReplyToId: root.id });
    assert.deepEqual(await me.masto.v1.notifications.list(), []);
    const unmuted = await me.masto.v1.statuses.$select(root.id).unmute();
    assert.equal(unmuted.muted, false);
    await other.masto.v1.statuses.$select(root.id).reblog();
    assert.deepEqual((await me.masto.v1.notifications.list()).map((n) => n.type), ["reblog"]);
    await rejectsWithStatus(me.masto.v1.statuses.$select("1").mute(), 404);
  });
});
