// App registration, OAuth tokens, account registration and verify_credentials.
import { describe, test } from "node:test";
import {
  assert, anonymousClient, appToken, assertAccountShape, clientFor, createApp, MastoHttpError,
  oauthClient, OOB, PASSWORD, registerUser, rejectsWithStatus, SCOPES, uniqueName,
} from "./lib.mjs";

describe("apps and tokens", () => {
  test("registers an app and returns its credentials", async () => {
    const app = await createApp("compat app registration");
    assert.equal(app.name, "compat app registration");
    assert.equal(app.website, "https://example.org/compat");
    assert.equal(typeof app.clientId, "string");
    assert.ok(app.clientId.length >= 20, "client_id is long enough");
    assert.equal(typeof app.clientSecret, "string");
    assert.ok(app.clientSecret.length >= 20, "client_secret is long enough");
    assert.notEqual(app.clientId, app.clientSecret);
    assert.deepEqual(app.redirectUris, [OOB]);
    assert.deepEqual(app.scopes, SCOPES.split(" "));
  });

  test("rejects an app without a name (422)", async () => {
    await rejectsWithStatus(
      anonymousClient().v1.apps.create({ clientName: "", redirectUris: OOB, scopes: "read" }),
      422,
    );
  });

  test("client_credentials grant gives an app token that verifies the app", async () => {
    const app = await createApp("compat client credentials");
    const token = await appToken(app);
    assert.equal(typeof token.accessToken, "string");
    assert.ok(token.accessToken.length >= 20);
    assert.equal(token.tokenType, "Bearer");
    assert.equal(token.scope, SCOPES);
    assert.equal(typeof token.createdAt, "number");
    assert.ok(token.createdAt > 1_600_000_000 && token.createdAt < 4_000_000_000, "createdAt is unix seconds");

    const verified = await clientFor(token.accessToken).v1.apps.verifyCredentials();
    assert.equal(verified.name, "compat client credentials");
    assert.equal(verified.clientSecret, undefined, "the secret is not shown again");
  });

  test("a wrong client_secret is refused (401)", async () => {
    const app = await createApp("compat bad secret");
    await rejectsWithStatus(
      oauthClient().token.create({
        grantType: "client_credentials",
        clientId: app.clientId,
        clientSecret: "not-the-secret",
        redirectUri: OOB,
        scope: "read",
      }),
      401,
    );
  });

  test("an app token cannot act as a user (422) and a bogus token is 401", async () => {
    const app = await createApp("compat app token limits");
    const token = await appToken(app);
    await rejectsWithStatus(clientFor(token.accessToken).v1.accounts.verifyCredentials(), 422);
    await rejectsWithStatus(clientFor("definitely-not-a-token").v1.accounts.verifyCredentials(), 401);
  });

  test("password grant and token revocation", async () => {
    const app = await createApp("compat password grant");
    const token = await appToken(app);
    const username = uniqueName("pw");
    await clientFor(token.accessToken).v1.accounts.create({
      username, password: PASSWORD, agreement: true, locale: "en", email: "x@example.org",
    });
    const userToken = await oauthClient().token.create({
      grantType: "password",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: OOB,
      username,
      password: PASSWORD,
      scope: "read",
    });
    assert.equal(userToken.scope, "read");
    const me = await clientFor(userToken.accessToken).v1.accounts.verifyCredentials();
    assert.equal(me.username, username);
    // A read-only token cannot post.
    await rejectsWithStatus(clientFor(userToken.accessToken).v1.statuses.create({ status: "nope" }), 403);

    await oauthClient().revoke({
      clientId: app.clientId, clientSecret: app.clientSecret, token: userToken.accessToken,
    });
    await rejectsWithStatus(clientFor(userToken.accessToken).v1.accounts.verifyCredentials(), 401);
  });
});

describe("account registration", () => {
  test("registers an account and returns a usable user token", async () => {
    const { token, account, username } = await registerUser("reg");
    assert.equal(typeof token.accessToken, "string");
    assert.equal(token.tokenType, "Bearer");
    assert.equal(token.scope, SCOPES);
    assertAccountShape(account);
    assert.equal(account.username, username);
    assert.equal(account.acct, username);
    assert.equal(account.statusesCount, 0);
    assert.equal(account.followersCount, 0);
    assert.equal(account.followingCount, 0);
    assert.equal(account.locked, false);
  });

  test("verify_credentials returns the credential account with source and role", async () => {
    const { masto, account, username } = await registerUser("vc");
    const me = await masto.v1.accounts.verifyCredentials();
    assert.equal(me.id, account.id);
    assert.equal(me.username, username);
    assert.equal(typeof me.source, "object");
    assert.equal(me.source.note, "");
    assert.deepEqual(me.source.fields, []);
    assert.equal(me.source.privacy, "public");
    assert.equal(me.source.followRequestsCount, 0);
    assert.equal(typeof me.role, "object");
    assert.equal(typeof me.role.name, "string");
    assert.equal(me.url, `${process.env.PUBLIUS_URL}/@${username}`);
  });

  test("refuses registration without agreement (422) and a taken username (422)", async () => {
    const app = await createApp("compat registration errors");
    const token = await appToken(app);
    const client = clientFor(token.accessToken);
    const username = uniqueName("dup");
    await rejectsWithStatus(
      client.v1.accounts.create({ username, password: PASSWORD, agreement: false, locale: "en", email: "x@example.org" }),
      422,
    );
    await client.v1.accounts.create({ username, password: PASSWORD, agreement: true, locale: "en", email: "x@example.org" });
    await rejectsWithStatus(
      client.v1.accounts.create({ username, password: PASSWORD, agreement: true, locale: "en", email: "y@example.org" }),
      422,
    );
  });

  test("registration errors name each refused field with Mastodon's codes", async () => {
    const app = await createApp("compat registration details");
    const client = clientFor((await appToken(app)).accessToken);
    await assert.rejects(
      client.v1.accounts.create({ username: "bad name!", password: "short", agreement: false, locale: "en" }),
      (error) => {
        assert.ok(error instanceof MastoHttpError);
        assert.equal(error.statusCode, 422);
        assert.match(error.message, /^Validation failed: /);
        assert.equal(error.details?.username?.[0]?.error, "ERR_INVALID");
        assert.equal(error.details?.password?.[0]?.error, "ERR_TOO_SHORT");
        assert.equal(error.details?.agreement?.[0]?.error, "ERR_ACCEPTED");
        assert.equal(typeof error.details.username[0].description, "string");
        return true;
      },
    );
    const taken = uniqueName("taken");
    await client.v1.accounts.create({ username: taken, password: PASSWORD, agreement: true, locale: "en" });
    await assert.rejects(
      client.v1.accounts.create({ username: taken, password: PASSWORD, agreement: true, locale: "en" }),
      (error) => error.details?.username?.[0]?.error === "ERR_TAKEN",
    );
  });

  test("registration requires a token (401)", async () => {
    await rejectsWithStatus(
      anonymousClient().v1.accounts.create({
        username: uniqueName("anon"), password: PASSWORD, agreement: true, locale: "en", email: "x@example.org",
      }),
      401,
    );
  });
});
