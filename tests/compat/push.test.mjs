// Web Push as a Mastodon app uses it: masto.js subscribes with a device's keys, a mention
// happens, and the push service (a local HTTP server here) receives a message that the
// reference implementation of the encodings (http_ece, by the drafts' author) decrypts with
// the device's private key: aes128gcm for `standard` subscriptions, aesgcm for the others.
// The VAPID token is checked with Node's own ECDSA.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createECDH, createPublicKey, randomBytes, verify } from "node:crypto";
import ece from "http_ece";
import { anonymousClient, registerUser } from "./lib.mjs";

// A push service on 127.0.0.1 that keeps every request it gets (answering 201).
async function startPushService() {
  const received = [];
  const waiting = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const push = { url: req.url, headers: req.headers, body: Buffer.concat(chunks) };
      res.writeHead(201).end();
      const waiter = waiting.shift();
      if (waiter) waiter(push);
      else received.push(push);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    next(ms = 20000) {
      if (received.length) return Promise.resolve(received.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no push arrived")), ms);
        waiting.push((push) => {
          clearTimeout(timer);
          resolve(push);
        });
      });
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// The value of `name=` in "a=x;b=y" or "vapid t=x, k=y".
function param(header, name) {
  const match = new RegExp(`(?:^|[;, ])${name}=([^;,]+)`).exec(header ?? "");
  return match ? match[1] : undefined;
}

// Whether `jwt` is an ES256 signature by the raw P-256 public key `key` (base64url).
function verifiesWith(jwt, key) {
  const raw = Buffer.from(key, "base64url");
  const publicKey = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"),
      y: raw.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
  const [header, claims, signature] = jwt.split(".");
  return verify("sha256", Buffer.from(`${header}.${claims}`),
    { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
}

for (const standard of [true, false]) {
  const encoding = standard ? "aes128gcm" : "aesgcm";
  test(`a mention is pushed to the device, encrypted as ${encoding}`, async (t) => {
    const service = await startPushService();
    t.after(() => service.close());
    const vapidKey = (await anonymousClient().v2.instance.fetch()).configuration.vapid.publicKey;
    assert.equal(Buffer.from(vapidKey, "base64url").length, 65);

    const me = await registerUser("pushme");
    const pal = await registerUser("pushpal");
    const device = createECDH("prime256v1");
    device.generateKeys();
    const auth = randomBytes(16);
    const subscription = await me.masto.v1.push.subscription.create({
      subscription: {
        endpoint: `${service.origin}/wpush/${encoding}`,
        keys: { p256dh: device.getPublicKey("base64url"), auth: auth.toString("base64url") },
        standard,
      },
      data: { alerts: { mention: true, favourite: false } },
      policy: "all",
    });
    assert.equal(subscription.serverKey, vapidKey);
    assert.equal(subscription.endpoint, `${service.origin}/wpush/${encoding}`);
    assert.equal(subscription.alerts.mention, true);
    assert.equal(subscription.alerts.favourite, false);
    assert.deepEqual(await me.masto.v1.push.subscription.fetch(), subscription);

    await pal.masto.v1.statuses.create({ status: `@${me.username} see you at the station` });
    const push = await service.next();
    assert.equal(push.url, `/wpush/${encoding}`);
    assert.equal(push.headers["content-encoding"], encoding);
    assert.equal(push.headers.ttl, "172800");
    assert.equal(push.headers.urgency, "normal");

    let jwt;
    let plaintext;
    if (standard) {
      const authorization = push.headers.authorization;
      assert.match(authorization, /^vapid t=/);
      jwt = param(authorization, "t");
      assert.equal(param(authorization, "k"), vapidKey);
      plaintext = ece.decrypt(push.body, { version: "aes128gcm", privateKey: device, authSecret: auth });
    } else {
      assert.match(push.headers.authorization, /^WebPush /);
      jwt = push.headers.authorization.slice("WebPush ".length);
      const cryptoKey = push.headers["crypto-key"];
      assert.equal(param(cryptoKey, "p256ecdsa"), vapidKey);
      plaintext = ece.decrypt(push.body, {
        version: "aesgcm",
        privateKey: device,
        dh: param(cryptoKey, "dh"),
        salt: param(push.headers.encryption, "salt"),
        authSecret: auth,
      });
    }
    assert.ok(verifiesWith(jwt, vapidKey), "the VAPID token is signed with the instance's key");
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1], "base64url"));
    assert.equal(claims.aud, service.origin);
    assert.ok(claims.exp > Date.now() / 1000 && claims.exp <= Date.now() / 1000 + 86400);

    const payload = JSON.parse(plaintext.toString("utf8"));
    assert.equal(payload.notification_type, "mention");
    assert.equal(payload.access_token, me.token.accessToken);
    assert.equal(payload.title, `You were mentioned by ${pal.username}`);
    assert.match(payload.body, /see you at the station/);
    const notification = await me.masto.v1.notifications.$select(payload.notification_id).fetch();
    assert.equal(notification.type, "mention");
    assert.equal(notification.account.id, pal.account.id);

    await me.masto.v1.push.subscription.remove();
    await assert.rejects(me.masto.v1.push.subscription.fetch());
  });
}
