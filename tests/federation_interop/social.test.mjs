// A Fedify peer likes and boosts (Announce) a Publius post and undoes each: Publius counts
// the favourite and the reblog (favourited_by and reblogged_by name the peer's account as
// user@host), notifies the author of each, and takes them back with the Undo.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Announce, Like, Person, Undo } from "@fedify/fedify";
import { api, registerUser, startPeer, uniqueName, url } from "./lib.mjs";

const PUBLIC = new URL("https://www.w3.org/ns/activitystreams#Public");

let peer;
before(async () => {
  peer = await startPeer();
});
after(async () => {
  await peer?.close();
});

// Sends `activity` from the peer's actor `name` to the Publius actor of `username`.
async function send(name, username, activity) {
  const ctx = peer.context();
  const target = await ctx.lookupObject(`${url}/users/${username}`);
  assert.ok(target instanceof Person);
  await ctx.sendActivity({ identifier: name }, target, activity, { immediate: true });
}

// Reads the status until `done` holds of it (deliveries are synchronous here, but a
// cached rendering may lag a moment); the last one read.
async function statusUntil(id, token, done) {
  let status;
  for (let i = 0; i < 100; i++) {
    status = await api("GET", `/api/v1/statuses/${id}`, { token });
    if (done(status)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return status;
}

test("the peer's Like is a favourite with a notification until its Undo", async () => {
  const author = await registerUser("liked");
  const status = await api("POST", "/api/v1/statuses", {
    token: author.token,
    body: { status: "Like this", visibility: "public" },
  });
  const name = uniqueName("liker");
  const like = new Like({
    id: new URL(`${peer.actorUri(name).href}/likes/${uniqueName("l")}`),
    actor: peer.actorUri(name),
    object: new URL(status.uri),
  });
  await send(name, author.username, like);

  let seen = await statusUntil(status.id, author.token, (s) => s.favourites_count === 1);
  assert.equal(seen.favourites_count, 1);
  const likers = await api("GET", `/api/v1/statuses/${status.id}/favourited_by`, { token: author.token });
  assert.deepEqual(likers.map((a) => a.acct), [peer.acct(name)]);
  const notifications = await api("GET", "/api/v1/notifications?types[]=favourite", { token: author.token });
  assert.equal(notifications.length, 1);
  assert.equal(notifications[0].account.acct, peer.acct(name));
  assert.equal(notifications[0].status.id, status.id);

  await send(name, author.username, new Undo({
    id: new URL(`${like.id.href}/undo`),
    actor: peer.actorUri(name),
    object: like,
  }));
  seen = await statusUntil(status.id, author.token, (s) => s.favourites_count === 0);
  assert.equal(seen.favourites_count, 0);
});

test("the peer's Announce is a reblog with a notification until its Undo", async () => {
  const author = await registerUser("boosted");
  const status = await api("POST", "/api/v1/statuses", {
    token: author.token,
    body: { status: "Boost this", visibility: "public" },
  });
  const name = uniqueName("booster");
  const announce = new Announce({
    id: new URL(`${peer.actorUri(name).href}/announces/${uniqueName("a")}`),
    actor: peer.actorUri(name),
    object: new URL(status.uri),
    to: PUBLIC,
    ccs: [new URL(`${peer.actorUri(name).href}/followers`), new URL(`${url}/users/${author.username}`)],
  });
  await send(name, author.username, announce);

  let seen = await statusUntil(status.id, author.token, (s) => s.reblogs_count === 1);
  assert.equal(seen.reblogs_count, 1);
  const boosters = await api("GET", `/api/v1/statuses/${status.id}/reblogged_by`, { token: author.token });
  assert.deepEqual(boosters.map((a) => a.acct), [peer.acct(name)]);
  const notifications = await api("GET", "/api/v1/notifications?types[]=reblog", { token: author.token });
  assert.equal(notifications.length, 1);
  assert.equal(notifications[0].account.acct, peer.acct(name));
  assert.equal(notifications[0].status.id, status.id);

  await send(name, author.username, new Undo({
    id: new URL(`${announce.id.href}/undo`),
    actor: peer.actorUri(name),
    object: announce,
  }));
  seen = await statusUntil(status.id, author.token, (s) => s.reblogs_count === 0);
  assert.equal(seen.reblogs_count, 0);
});
