// A Publius account resolves an account of the Fedify peer through the Mastodon search API
// (WebFinger, then its actor), follows it, and the follow becomes real once the peer's
// Accept arrives.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { api, registerUser, startPeer, uniqueName } from "./lib.mjs";

let peer;
before(async () => {
  peer = await startPeer();
});
after(async () => {
  await peer?.close();
});

test("a Publius account resolves the peer's account, follows it, and the peer's Accept makes it a follow", async () => {
  const me = await registerUser("me");
  const name = uniqueName("remote");
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

  const myActor = `${process.env.PUBLIUS_URL}/users/${me.username}`;
  const follow = await peer.waitFor((r) => r.type === "Follow" && r.activity.actorId?.href === myActor, "Publius's Follow");
  assert.equal(follow.activity.objectId?.href, peer.actorUri(name).href);

  // The peer accepts (lib.mjs); the follow becomes real when the Accept is handled.
  let relationship;
  for (let i = 0; i < 200; i++) {
    [relationship] = await api("GET", `/api/v1/accounts/relationships?id[]=${remote.id}`, { token: me.token });
    if (relationship.following) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(relationship.following, true, JSON.stringify(relationship));
  assert.equal(relationship.requested, false);
});
