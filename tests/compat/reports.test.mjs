// Reports: filing one with masto.js, and the moderators' side through masto.js's admin client
// with an admin token from the operator's `admin create-account` command.
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";
import { assert, clientFor, registerUser, rejectsWithStatus, uniqueName } from "./lib.mjs";

const binary = process.env.PUBLIUS_BINARY;
const dataDir = process.env.PUBLIUS_DATA_DIR;

// A client for a fresh admin account, made by the operator's command on the server's data.
function adminClient() {
  const out = execFileSync(binary, ["admin", "create-account", "--data-dir", dataDir,
    "--username", uniqueName("mod"), "--role", "admin"], { encoding: "utf8" });
  const token = /access token: (\S+)/.exec(out)?.[1];
  assert.ok(token, "create-account printed an access token");
  return clientFor(token);
}

describe("reports", () => {
  test("file a report with posts; moderators take, resolve and reopen it", async () => {
    const reporter = await registerUser("reporter");
    const target = await registerUser("reported");
    const post = await target.masto.v1.statuses.create({ status: "spam spam spam" });
    const report = await reporter.masto.v1.reports.create({
      accountId: target.account.id,
      statusIds: [post.id],
      comment: "a bot",
      category: "spam",
      forward: false,
    });
    assert.equal(report.actionTaken, false);
    assert.equal(report.category, "spam");
    assert.equal(report.comment, "a bot");
    assert.deepEqual(report.statusIds, [post.id]);
    assert.equal(report.targetAccount.id, target.account.id);
    assert.match(report.createdAt, /T00:00:00\.000Z$/, "a day, not an instant");

    const admin = adminClient();
    const open = await admin.v1.admin.reports.list({ targetAccountId: target.account.id });
    assert.deepEqual(open.map((r) => r.id), [report.id]);
    const shown = await admin.v1.admin.reports.$select(report.id).fetch();
    assert.equal(shown.account.account.id, reporter.account.id);
    assert.equal(shown.targetAccount.account.id, target.account.id);
    assert.deepEqual(shown.statuses.map((s) => s.id), [post.id]);

    const taken = await admin.v1.admin.reports.$select(report.id).assignToSelf();
    assert.ok(taken.assignedAccount);
    const unassigned = await admin.v1.admin.reports.$select(report.id).unassign();
    assert.equal(unassigned.assignedAccount, null);
    const resolved = await admin.v1.admin.reports.$select(report.id).resolve();
    assert.equal(resolved.actionTaken, true);
    assert.equal(resolved.account, null, "the reporter's link is erased at resolution");
    assert.deepEqual(await admin.v1.admin.reports.list({ targetAccountId: target.account.id }), []);
    const reopened = await admin.v1.admin.reports.$select(report.id).reopen();
    assert.equal(reopened.actionTaken, false);

    // Not for other people.
    await rejectsWithStatus(reporter.masto.v1.admin.reports.list(), 403);
  });

  test("bad reports are refused", async () => {
    const reporter = await registerUser("badreporter");
    const other = await registerUser("otherauthor");
    const target = await registerUser("badtarget");
    const notTheirs = await other.masto.v1.statuses.create({ status: "someone else's" });
    await rejectsWithStatus(reporter.masto.v1.reports.create({ accountId: "999999999" }), 404);
    await rejectsWithStatus(reporter.masto.v1.reports.create({
      accountId: target.account.id, statusIds: [notTheirs.id],
    }), 404);
    await rejectsWithStatus(reporter.masto.v1.reports.create({
      accountId: target.account.id, category: "violation",
    }), 422);
    await rejectsWithStatus(reporter.masto.v1.reports.create({
      accountId: target.account.id, comment: "x".repeat(1001),
    }), 422);
  });
});
