// Scheduled statuses with masto.js: statuses.create with scheduledAt answers a
// ScheduledStatus, client.v1.scheduledStatuses lists, fetches, reschedules and
// cancels it, and the refusals clients must handle.
import { describe, test } from "node:test";
import { assert, registerUser, rejectsWithStatus } from "./lib.mjs";

const inMinutes = (minutes) => new Date(Date.now() + minutes * 60_000).toISOString();

function assertScheduledShape(s) {
  assert.equal(typeof s.id, "string");
  assert.ok(!Number.isNaN(Date.parse(s.scheduledAt)), s.scheduledAt);
  assert.equal(typeof s.params, "object");
  assert.equal(typeof s.params.text, "string");
  assert.ok(Array.isArray(s.mediaAttachments));
  assert.equal(s.content, undefined, "a ScheduledStatus, not a Status");
}

describe("scheduled statuses", () => {
  test("a post is scheduled, listed, fetched, moved and cancelled", async () => {
    const { masto } = await registerUser("planner");
    const at = inMinutes(60);
    const scheduled = await masto.v1.statuses.create({
      status: "Later, with masto.js",
      visibility: "unlisted",
      scheduledAt: at,
    });
    assertScheduledShape(scheduled);
    assert.equal(Date.parse(scheduled.scheduledAt), Date.parse(at));
    assert.equal(scheduled.params.text, "Later, with masto.js");
    assert.equal(scheduled.params.visibility, "unlisted");

    const listed = await masto.v1.scheduledStatuses.list();
    assert.equal(listed.length, 1);
    assertScheduledShape(listed[0]);
    assert.equal(listed[0].id, scheduled.id);

    const fetched = await masto.v1.scheduledStatuses.$select(scheduled.id).fetch();
    assert.equal(fetched.params.text, "Later, with masto.js");

    const later = inMinutes(180);
    const moved = await masto.v1.scheduledStatuses.$select(scheduled.id).update({
      scheduledAt: later,
    });
    assert.equal(Date.parse(moved.scheduledAt), Date.parse(later));
    await rejectsWithStatus(
      masto.v1.scheduledStatuses.$select(scheduled.id).update({ scheduledAt: inMinutes(1) }), 422);

    await masto.v1.scheduledStatuses.$select(scheduled.id).remove();
    await rejectsWithStatus(masto.v1.scheduledStatuses.$select(scheduled.id).fetch(), 404);
    assert.equal((await masto.v1.scheduledStatuses.list()).length, 0);
  });

  test("too soon, direct messages and others' scheduled posts are refused", async () => {
    const owner = await registerUser("schedowner");
    const other = await registerUser("schedother");
    await rejectsWithStatus(
      owner.masto.v1.statuses.create({ status: "soon", scheduledAt: inMinutes(2) }), 422);
    await rejectsWithStatus(
      owner.masto.v1.statuses.create({
        status: `@${other.username} secret`,
        visibility: "direct",
        scheduledAt: inMinutes(60),
      }),
      422);
    const mine = await owner.masto.v1.statuses.create({ status: "mine", scheduledAt: inMinutes(60) });
    await rejectsWithStatus(other.masto.v1.scheduledStatuses.$select(mine.id).fetch(), 404);
    await rejectsWithStatus(other.masto.v1.scheduledStatuses.$select(mine.id).remove(), 404);
    assert.equal((await other.masto.v1.scheduledStatuses.list()).length, 0);
  });
});
