// A Publius account resolves an account of the Fedify peer through the Mastodon search API
// (WebFinger, then its actor), follows it, and the follow becomes real once the peer's
// Accept arrives. The peer's posts then reach the account's home timeline, sanitized; the
// account's like and boost reach the peer (and their Undo); the peer's Delete takes the
// post away.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Create, Delete, Note, Person, Tombstone } from "@fedify/fedify";
import { api, registerUser, startPeer, uniqueName, url } from "./lib.mjs";

const PUBLIC = new URL("https://www.w3.org/ns/activitystreams#Public");

let peer;
before(async () => {
  peer = await startPeer();
});
after(async () => {
  await peer?.close();
});

// Polls `read` until `done` holds of its result; the last one read.
async function until(read, done) {
  let value;
  for (let i = 0; i < 200; i++) {
    value = await read();
    if (done(value)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return value;
}

// `me` finds the peer's actor `name` by search, follows it, and the peer accepts; the
// remote account as Publius shows it.
async function followPeer(me, name) {
  const results = await api("GET", `/api/v2/search?q=${encodeURIComponent(`@${peer.acct(name)}`)}&resolve=true`, {
    token: me.token,
  });
  assert.equal(results.accounts.length, 1, JSON.stringify(results));
  const remote = results.accounts[0];
  assert.equal(remote.acct, peer.acct(name));
  assert.equal(remote.display_name, `Peer ${name}`);

  const requested = await api("POST", `/api/v1/accounts/${remote.id}/follow`, { token: me.token });
  assert.equal(requested.requested, true);
  assert.equal(requested.following, false);

  const myActor = `${url}/users/${me.username}`;
  const follow = await peer.waitFor((r) => r.type === "Follow" && r.activity.actorId?.href === myActor, "Publius's Follow");
  assert.equal(follow.activity.objectId?.href, peer.actorUri(name).href);

  // The peer accepts (lib.mjs); the follow becomes real when the Accept is handled.
  const [relationship] = await until(
    () => api("GET", `/api/v1/accounts/relationships?id[]=${remote.id}`, { token: me.token }),
    ([r]) => r.following,
  );
  assert.equal(relationship.following, true, JSON.stringify(relationship));
  assert.equal(relationship.requested, false);
  return remote;
}

test("a Publius account resolves the peer's account, follows it, and the peer's Accept makes it a follow", async () => {
  await followPeer(await registerUser("me"), uniqueName("remote"));
});

test("the peer's post reaches its follower's home sanitized, is liked and boosted there, and goes with its Delete", async () => {
  const me = await registerUser("reader");
  const name = uniqueName("writer");
  await followPeer(me, name);

  // The peer posts to its followers, with markup no reader should get.
  const ctx = peer.context();
  const myActor = await ctx.lookupObject(`${url}/users/${me.username}`);
  assert.ok(myActor instanceof Person);
  const author = peer.actorUri(name);
  const note = new Note({
    id: new URL(`${author.href}/notes/${uniqueName("n")}`),
    attribution: author,
    content:
      '<p>Hello <script>alert(1)</script><a href="javascript:alert(2)">trap</a> ' +
      '<a href="https://example.com/" onclick="x()">link</a> <img src="https://tracker.example/p.gif"></p>',
    to: PUBLIC,
    ccs: [new URL(`${author.href}/followers`)],
  });
  await ctx.sendActivity({ identifier: name }, myActor, new Create({
    id: new URL(`${note.id.href}/activity`),
    actor: author,
    object: note,
    to: PUBLIC,
    ccs: [new URL(`${author.href}/followers`)],
  }), { immediate: true });

  const home = await until(
    () => api("GET", "/api/v1/timelines/home", { token: me.token }),
    (statuses) => statuses.length > 0,
  );
  assert.equal(home.length, 1, JSON.stringify(home));
  const status = home[0];
  assert.equal(status.account.acct, peer.acct(name));
  assert.equal(status.uri, note.id.href);
  assert.match(status.content, /Hello/);
  assert.match(status.content, /href="https:\/\/example\.com\/"/);
  for (const forbidden of ["<script", "alert(1)", "javascript:", "onclick", "<img", "tracker.example"])
    assert.ok(!status.content.includes(forbidden), `${forbidden} in ${status.content}`);

  // Liked and boosted here: the peer hears of both, and of their Undo.
  const myUri = `${url}/users/${me.username}`;
  const from = (type) => (r) => r.type === type && r.activity.actorId?.href === myUri;
  await api("POST", `/api/v1/statuses/${status.id}/favourite`, { token: me.token });
  const like = await peer.waitFor(from("Like"), "Publius's Like");
  assert.equal(like.activity.objectId?.href, note.id.href);
  await api("POST", `/api/v1/statuses/${status.id}/reblog`, { token: me.token });
  const announce = await peer.waitFor(from("Announce"), "Publius's Announce");
  assert.equal(announce.activity.objectId?.href, note.id.href);
  await api("POST", `/api/v1/statuses/${status.id}/unfavourite`, { token: me.token });
  await peer.waitFor((r) => from("Undo")(r) && r.json.object?.type === "Like", "Publius's Undo(Like)");
  await api("POST", `/api/v1/statuses/${status.id}/unreblog`, { token: me.token });
  await peer.waitFor((r) => from("Undo")(r) && r.json.object?.type === "Announce", "Publius's Undo(Announce)");

  // The peer deletes the post: gone here too.
  await ctx.sendActivity({ identifier: name }, myActor, new Delete({
    id: new URL(`${note.id.href}/delete`),
    actor: author,
    object: new Tombstone({ id: note.id }),
    to: PUBLIC,
  }), { immediate: true });
  const after = await until(
    () => api("GET", "/api/v1/timelines/home", { token: me.token }),
    (statuses) => statuses.length === 0,
  );
  assert.deepEqual(after, []);
});
