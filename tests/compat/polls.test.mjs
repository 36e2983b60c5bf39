// Polls with masto.js: a post with a poll, a vote by another account through
// client.v1.polls, the poll fetched back, and the refusals clients must handle.
import { describe, test } from "node:test";
import { assert, assertStatusShape, registerUser, rejectsWithStatus } from "./lib.mjs";

function assertPollShape(p) {
  assert.equal(typeof p.id, "string");
  assert.equal(typeof p.expiresAt, "string");
  assert.ok(!Number.isNaN(Date.parse(p.expiresAt)), p.expiresAt);
  assert.equal(typeof p.expired, "boolean");
  assert.equal(typeof p.multiple, "boolean");
  assert.equal(typeof p.votesCount, "number");
  assert.ok(Array.isArray(p.options));
  assert.ok(Array.isArray(p.emojis));
  for (const o of p.options) assert.equal(typeof o.title, "string");
}

describe("polls", () => {
  test("a poll is made with a post, voted on by another account and fetched", async () => {
    const author = await registerUser("pollster");
    const voter = await registerUser("pollvoter");
    const status = await author.masto.v1.statuses.create({
      status: "Tabs or spaces?",
      poll: { options: ["tabs", "spaces", "both"], expiresIn: 3600, multiple: false },
    });
    assertStatusShape(status);
    assertPollShape(status.poll);
    assert.deepEqual(status.poll.options.map((o) => o.title), ["tabs", "spaces", "both"]);
    assert.equal(status.poll.votesCount, 0);
    assert.equal(status.poll.votersCount, null);

    const poll = await voter.masto.v1.polls.$select(status.poll.id).votes.create({ choices: [0] });
    assertPollShape(poll);
    assert.equal(poll.voted, true);
    assert.deepEqual(poll.ownVotes, [0]);
    assert.equal(poll.votesCount, 1);
    assert.equal(poll.options[0].votesCount, 1);

    const fetched = await author.masto.v1.polls.$select(status.poll.id).fetch();
    assertPollShape(fetched);
    assert.equal(fetched.votesCount, 1);
    assert.equal(fetched.expired, false);
    const seen = await voter.masto.v1.statuses.$select(status.id).fetch();
    assert.deepEqual(seen.poll.ownVotes, [0]);

    await rejectsWithStatus(
      voter.masto.v1.polls.$select(status.poll.id).votes.create({ choices: [1] }), 422);
    await rejectsWithStatus(
      author.masto.v1.polls.$select(status.poll.id).votes.create({ choices: [1] }), 422);
    await rejectsWithStatus(
      author.masto.v1.statuses.create({
        status: "direct poll",
        visibility: "direct",
        poll: { options: ["a", "b"], expiresIn: 300 },
      }),
      422,
    );
  });

  test("a multiple-choice poll counts voters apart from votes", async () => {
    const author = await registerUser("pollmulti");
    const voter = await registerUser("pollmultiv");
    const status = await author.masto.v1.statuses.create({
      status: "Pick any",
      poll: { options: ["red", "green", "blue"], expiresIn: 300, multiple: true },
    });
    const poll = await voter.masto.v1.polls.$select(status.poll.id).votes.create({ choices: [0, 2] });
    assert.equal(poll.votesCount, 2);
    assert.equal(poll.votersCount, 1);
    assert.deepEqual(poll.ownVotes, [0, 2]);
  });
});
