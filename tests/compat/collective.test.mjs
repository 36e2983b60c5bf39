// Collective accounts (docs/collective-accounts.md) with an ordinary Mastodon client: the
// members of one account each sign in through masto.js's OAuth password grant with the
// account's name and their own password, and act as the one account.
import { describe, test } from "node:test";
import {
  assert, appToken, clientFor, createApp, oauthClient, PASSWORD, registerUser, rejectsWithStatus,
  SCOPES, url,
} from "./lib.mjs";

// Publius's own collective API has no masto.js method: plain form posts.
async function post(path, token, fields = {}) {
  const response = await fetch(url + path, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: await response.json() };
}

describe("collective accounts", () => {
  test("each member signs in with a Mastodon client and posts as the account", async () => {
    const { token, account, username } = await registerUser("collective");
    const made = await post("/api/v1/collective", token.accessToken, { password: PASSWORD });
    assert.equal(made.status, 200);
    assert.equal(made.body.recovery_codes.length, 10);
    const owner = made.body.access_token;

    const app = await createApp("compat collective member");
    const joinerToken = await appToken(app);
    const invite = await post("/api/v1/collective/invites", owner);
    assert.equal(invite.status, 200);
    const memberPassword = "the second member's own password";
    const joined = await post("/api/v1/collective/join", joinerToken.accessToken, {
      code: invite.body.code,
      password: memberPassword,
    });
    assert.equal(joined.status, 200);

    // An unmodified client's password grant, with the account's name.
    const signedIn = await oauthClient().token.create({
      grantType: "password",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      username,
      password: memberPassword,
      scope: SCOPES,
    });
    const member = clientFor(signedIn.accessToken);
    const me = await member.v1.accounts.verifyCredentials();
    assert.equal(me.id, account.id);
    const status = await member.v1.statuses.create({ status: "from a member of the collective" });
    assert.equal(status.account.id, account.id);
    const ownerView = await clientFor(owner).v1.statuses.$select(status.id).fetch();
    assert.equal(ownerView.id, status.id);

    await rejectsWithStatus(
      oauthClient().token.create({
        grantType: "password",
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        username,
        password: "nobody's password at all",
        scope: SCOPES,
      }),
      [400, 401],
    );
    const reused = await post("/api/v1/collective/join", joinerToken.accessToken, {
      code: invite.body.code,
      password: "a third member's password",
    });
    assert.equal(reused.status, 422);
    assert.equal(typeof reused.body.error, "string");
  });
});
