// A Fedify peer finds a Publius account by WebFinger, follows it (also a locked one, which
// decides through the Mastodon follow-request API), receives its new public post as a
// Create(Note) whose signature Fedify verified, and its deletion as a Delete. A request the
// peer signs with the wrong key is refused with 401 and changes nothing.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Follow, lookupWebFinger, Person, signRequest } from "@fedify/fedify";
import { api, publiusHost, registerUser, rsaKeyPair, startPeer, uniqueName, url } from "./lib.mjs";

let peer;
before(async () => {
  peer = await startPeer();
});
after(async () => {
  await peer?.close();
});

// The peer's actor `name` follows the Publius actor at `actorUri`; returns the Follow.
async function follow(name, actorUri) {
  const ctx = peer.context();
  const target = await ctx.lookupObject(actorUri);
  assert.ok(target instanceof Person, `${actorUri} is a Person`);
  const activity = new Follow({
    id: new URL(`${peer.actorUri(name).href}/follows/${uniqueName("f")}`),
    actor: peer.actorUri(name),
    object: target.id,
  });
  await ctx.sendActivity({ identifier: name }, target, activity, { immediate: true });
  return activity;
}

const acceptOf = (activity) => (r) => r.type === "Accept" && r.activity.objectId?.href === activity.id.href;

test("the peer resolves a Publius account by WebFinger and reads its actor", async () => {
  const { username, account } = await registerUser("wf");
  // WebFinger by acct: (over http: here; Fedify's lookupWebFinger asks https: for acct:).
  const acct = `acct:${username}@${publiusHost}`;
  const res = await fetch(`${url}/.well-known/webfinger?resource=${encodeURIComponent(acct)}`);
  assert.equal(res.status, 200);
  const jrd = await res.json();
  assert.equal(jrd.subject, acct);
  const self = jrd.links.find((l) => l.rel === "self" && l.type === "application/activity+json");
  assert.ok(self, "a self link to the actor");
  // The same through Fedify's own WebFinger client, by the actor URL.
  const byUrl = await lookupWebFinger(self.href, { allowPrivateAddress: true });
  assert.equal(byUrl?.subject, acct);

  const actor = await peer.context().lookupObject(self.href);
  assert.ok(actor instanceof Person);
  assert.equal(actor.id.href, self.href);
  assert.equal(actor.preferredUsername, username);
  assert.equal(actor.inboxId?.href, `${self.href}/inbox`);
  assert.equal(actor.endpoints?.sharedInbox?.href, `${url}/inbox`);
  const key = await actor.getPublicKey();
  assert.equal(key?.ownerId?.href, self.href);
  assert.equal(key?.publicKey?.algorithm?.name, "RSASSA-PKCS1-v1_5");
  assert.equal(key?.publicKey?.algorithm?.modulusLength, 2048);
  assert.equal(account.username, username);
});

test("the peer follows an unlocked account, is accepted, receives a post and its deletion", async () => {
  const author = await registerUser("author");
  const follower = uniqueName("peer");
  const actorUri = `${url}/users/${author.username}`;
  const sent = await follow(follower, actorUri);
  const accept = await peer.waitFor(acceptOf(sent), "Publius's Accept of the Follow");
  assert.equal(accept.activity.actorId?.href, actorUri, "accepted by the followed account");

  const followers = await api("GET", `/api/v1/accounts/${author.account.id}/followers`, { token: author.token });
  assert.deepEqual(followers.map((a) => a.acct), [peer.acct(follower)]);

  const status = await api("POST", "/api/v1/statuses", {
    token: author.token,
    body: { status: "Hello, fediverse", visibility: "public" },
  });
  // Fedify hands an activity to the listener only after its HTTP signature verified
  // against the key of the activity's actor.
  const create = await peer.waitFor(
    (r) => r.type === "Create" && r.activity.objectId?.href === status.uri,
    "the Create of the new post",
  );
  assert.equal(create.activity.actorId?.href, actorUri);
  const note = await create.activity.getObject();
  assert.equal(note?.constructor.name, "Note");
  assert.match(String(note.content), /Hello, fediverse/);
  assert.ok(create.activity.toIds.some((u) => u.href === "https://www.w3.org/ns/activitystreams#Public"));

  await api("DELETE", `/api/v1/statuses/${status.id}`, { token: author.token });
  const deletion = await peer.waitFor(
    (r) => r.type === "Delete" && r.activity.objectId?.href === status.uri,
    "the Delete of the post",
  );
  assert.equal(deletion.activity.actorId?.href, actorUri);
});

test("a locked account's owner accepts the peer's follow request through the Mastodon API", async () => {
  const owner = await registerUser("locked");
  await api("PATCH", "/api/v1/accounts/update_credentials", { token: owner.token, body: { locked: true } });
  const follower = uniqueName("peer");
  const sent = await follow(follower, `${url}/users/${owner.username}`);

  // A request, not a follow, until the owner decides.
  let requests = [];
  for (let i = 0; i < 200 && requests.length === 0; i++) {
    requests = await api("GET", "/api/v1/follow_requests", { token: owner.token });
    if (requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(requests.map((a) => a.acct), [peer.acct(follower)]);
  assert.equal(peer.received.find(acceptOf(sent)), undefined, "no Accept before the owner decides");
  const followers = await api("GET", `/api/v1/accounts/${owner.account.id}/followers`, { token: owner.token });
  assert.equal(followers.length, 0);

  const relationship = await api("POST", `/api/v1/follow_requests/${requests[0].id}/authorize`, { token: owner.token });
  assert.equal(relationship.followed_by, true);
  await peer.waitFor(acceptOf(sent), "the Accept after authorization");
});

test("a Follow the peer signs with the wrong key is refused with 401 and changes nothing", async () => {
  const target = await registerUser("tamper");
  const follower = uniqueName("peer");
  const actorUri = `${url}/users/${target.username}`;
  const keyId = new URL(`${peer.actorUri(follower).href}#main-key`);
  // The peer's actor publishes its real key at keyId (the key pairs dispatcher's first pair).
  const realKey = (await peer.keyPairOf(follower)).privateKey;
  const wrongKey = (await rsaKeyPair()).privateKey;
  const signed = async (privateKey) => {
    const body = JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${peer.actorUri(follower).href}/follows/${uniqueName("f")}`,
      type: "Follow",
      actor: peer.actorUri(follower).href,
      object: actorUri,
    });
    const request = new Request(`${actorUri}/inbox`, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body,
    });
    return fetch(await signRequest(request, privateKey, keyId));
  };
  const actor = await peer.context().lookupObject(peer.actorUri(follower));
  assert.equal((await actor.getPublicKey())?.id?.href, keyId.href, "the key id the requests name");

  const refused = await signed(wrongKey);
  assert.equal(refused.status, 401, await refused.text());
  const none = await api("GET", `/api/v1/accounts/${target.account.id}/followers`, { token: target.token });
  assert.equal(none.length, 0, "nothing stored");

  // The same request signed with the right key is taken.
  const taken = await signed(realKey);
  assert.equal(taken.status, 202, await taken.text());
  const followers = await api("GET", `/api/v1/accounts/${target.account.id}/followers`, { token: target.token });
  assert.deepEqual(followers.map((a) => a.acct), [peer.acct(follower)]);
});
