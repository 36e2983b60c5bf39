// Direct-message threads through masto.js: list, read, remove.
import { describe, test } from "node:test";
import {
  assert, assertAccountShape, assertStatusShape, collectPages, registerUser, stripHtml,
} from "./lib.mjs";

describe("conversations", () => {
  test("a direct message shows as a thread on both sides, unread for the recipient", async () => {
    const alice = await registerUser("conv_a");
    const bob = await registerUser("conv_b");
    const dm = await alice.masto.v1.statuses.create({
      status: `@${bob.username} Quillfeather8812 between us`,
      visibility: "direct",
    });

    const [mine] = await alice.masto.v1.conversations.list();
    assert.equal(mine.unread, false);
    assert.deepEqual(mine.accounts.map((a) => a.id), [bob.account.id]);
    assert.equal(mine.lastStatus.id, dm.id);

    const theirs = await bob.masto.v1.conversations.list();
    assert.equal(theirs.length, 1);
    const [conversation] = theirs;
    assert.equal(typeof conversation.id, "string");
    assert.equal(conversation.unread, true);
    conversation.accounts.forEach(assertAccountShape);
    assert.deepEqual(conversation.accounts.map((a) => a.id), [alice.account.id]);
    assertStatusShape(conversation.lastStatus);
    assert.equal(conversation.lastStatus.visibility, "direct");
    assert.match(stripHtml(conversation.lastStatus.content), /Quillfeather8812 between us/);

    const read = await bob.masto.v1.conversations.$select(conversation.id).read();
    assert.equal(read.id, conversation.id);
    assert.equal(read.unread, false);
    assert.equal((await bob.masto.v1.conversations.list())[0].unread, false);

    await bob.masto.v1.conversations.$select(conversation.id).remove();
    assert.deepEqual(await bob.masto.v1.conversations.list(), []);
    assert.equal((await alice.masto.v1.conversations.list()).length, 1);

    // A new message brings the thread back, unread.
    await alice.masto.v1.statuses.create({ status: `@${bob.username} again`, visibility: "direct" });
    const [back] = await bob.masto.v1.conversations.list();
    assert.equal(back.unread, true);
  });

  test("the paginator walks every thread, newest first", async () => {
    const me = await registerUser("conv_p");
    const others = [];
    for (let i = 0; i < 3; i++) others.push(await registerUser(`conv_p${i}`));
    const sent = [];
    for (const other of others) {
      sent.push((await me.masto.v1.statuses.create({
        status: `@${other.username} hello`, visibility: "direct",
      })).id);
    }
    const pages = await collectPages(me.masto.v1.conversations.list({ limit: 2 }));
    const lastIds = pages.flat().map((c) => c.lastStatus.id);
    assert.deepEqual(lastIds, [...sent].reverse());
    assert.ok(pages.length >= 2, "more than one page");
  });
});
