// Shared set-up for the federation interop tests: a small ActivityPub server built on Fedify
// (the peer) beside the Publius started by run.sh, and a few Mastodon API calls to drive
// Publius. Each test file runs in its own process with its own peer on a free loopback port.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import {
  Accept,
  Announce,
  Create,
  createFederation,
  Delete,
  Endpoints,
  Follow,
  Like,
  MemoryKvStore,
  Person,
  Undo,
} from "@fedify/fedify";

export const url = process.env.PUBLIUS_URL;
if (!url) throw new Error("PUBLIUS_URL is not set: run the suite through tests/federation_interop/run.sh");
// run.sh makes Publius's domain its address, so acct:NAME@HOST:PORT is reachable by WebFinger.
export const publiusHost = new URL(url).host;

const runId = randomBytes(3).toString("hex");
let counter = 0;
export function uniqueName(prefix) {
  counter += 1;
  return `${prefix}_${runId}${counter}`.slice(0, 30);
}

// ---- Publius through its Mastodon API --------------------------------------------------

async function call(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}

// The JSON of a call that must succeed.
export async function api(method, path, options) {
  const res = await call(method, path, options);
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res.json;
}

let appToken;
async function registrationToken() {
  appToken ??= (async () => {
    const app = await api("POST", "/api/v1/apps", {
      body: { client_name: "publius-federation-interop", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write follow" },
    });
    const token = await api("POST", "/oauth/token", {
      body: {
        grant_type: "client_credentials",
        client_id: app.client_id,
        client_secret: app.client_secret,
        scope: "read write follow",
      },
    });
    return token.access_token;
  })();
  return appToken;
}

// A fresh Publius account: { username, token, account }.
export async function registerUser(prefix = "user") {
  const username = uniqueName(prefix);
  const { access_token: token } = await api("POST", "/api/v1/accounts", {
    token: await registrationToken(),
    body: { username, password: "correct horse battery staple 42", agreement: true, locale: "en" },
  });
  const account = await api("GET", "/api/v1/accounts/verify_credentials", { token });
  return { username, token, account };
}

// ---- The Fedify peer -------------------------------------------------------------------

// An RSA-2048 key pair as Mastodon's (Fedify's generateCryptoKeyPair makes 4096-bit ones,
// several times slower to make on a busy machine).
export function rsaKeyPair() {
  return crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
}

// Waits until `predicate` holds for an item of `list` (which the peer appends to), or fails.
async function waitFor(list, predicate, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = list.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Serves a Fetch-API handler on 127.0.0.1:0; resolves to the node server and its origin.
export async function serveFetch(handler) {
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const origin = `http://${req.headers.host}`;
    const request = new Request(origin + req.url, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    try {
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error?.stack ?? error));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

// A Fedify server with actors at /users/{name} (each with its own RSA key pair, made on
// first need), per-actor and shared inboxes, recording every activity it receives after
// Fedify verified it. `peer.received` holds { type, activity (Fedify object), json }.
export async function startPeer() {
  const keyPairs = new Map();
  const keyPairOf = async (name) => {
    if (!keyPairs.has(name)) keyPairs.set(name, await rsaKeyPair());
    return keyPairs.get(name);
  };
  const received = [];
  const federation = createFederation({
    kv: new MemoryKvStore(),
    // Publius lives on 127.0.0.1 in this suite: let Fedify fetch loopback URLs.
    allowPrivateAddress: true,
  });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: `Peer ${identifier}`,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0].cryptographicKey,
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => [await keyPairOf(identifier)]);
  const record = async (ctx, activity) => {
    received.push({ type: activity.constructor.name, activity, json: await activity.toJsonLd() });
  };
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, async (ctx, follow) => {
      await record(ctx, follow);
      // Accept every follow of one of the peer's actors, as an unlocked Mastodon account does.
      const followed = ctx.parseUri(follow.objectId);
      if (followed?.type !== "actor" || follow.actorId == null) return;
      const follower = await follow.getActor(ctx);
      await ctx.sendActivity({ identifier: followed.identifier }, follower, new Accept({
        id: new URL(`${ctx.getActorUri(followed.identifier).href}/accepts/${randomBytes(6).toString("hex")}`),
        actor: ctx.getActorUri(followed.identifier),
        object: follow,
      }));
    })
    .on(Accept, record)
    .on(Announce, record)
    .on(Create, record)
    .on(Like, record)
    .on(Delete, record)
    .on(Undo, record);

  const { server, origin } = await serveFetch((request) =>
    federation.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response("not found", { status: 404 }),
      onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
    }),
  );
  const host = new URL(origin).host;
  const context = () => federation.createContext(new URL(origin), undefined);
  return {
    federation,
    origin,
    host,
    received,
    context,
    keyPairOf,
    actorUri: (name) => context().getActorUri(name),
    acct: (name) => `${name}@${host}`,
    waitFor: (predicate, what, timeoutMs) => waitFor(received, predicate, what, timeoutMs),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
