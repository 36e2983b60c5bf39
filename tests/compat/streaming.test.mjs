// The streaming API through masto.js's own streaming client (on Node 20 it needs the `ws`
// package as its WebSocket), at the URL the instance advertises, with the token sent the
// way masto.js sends it (as the WebSocket subprotocol).
import { test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { createStreamingAPIClient } from "masto";
import { anonymousClient, registerUser } from "./lib.mjs";

// Node 20 has no global WebSocket, which masto.js's streaming client also reads its constants
// from, nor Promise.withResolvers, which it uses (Node 22 has both).
globalThis.WebSocket ??= WebSocket;
if (!Promise.withResolvers) {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

async function streamingFor(user) {
  const instance = await anonymousClient().v2.instance.fetch();
  return createStreamingAPIClient({
    streamingApiUrl: instance.configuration.urls.streaming,
    accessToken: user.token.accessToken,
    implementation: WebSocket,
    retry: false,
  });
}

// The next event of `subscription` that `matches`, or a failure after `ms`; `poke` runs until
// it comes (a subscribe message may reach the server after the first poke).
async function nextEvent(subscription, matches, poke, ms = 10000) {
  const iterator = subscription[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  let timer;
  const pokes = (async () => {
    while (Date.now() < deadline) {
      await poke();
      await new Promise((resolve) => { timer = setTimeout(resolve, 1000); });
    }
  })();
  try {
    while (Date.now() < deadline) {
      const { value, done } = await Promise.race([
        iterator.next(),
        new Promise((resolve) => setTimeout(() => resolve({ done: true }), deadline - Date.now())),
      ]);
      if (done) break;
      if (matches(value)) return value;
    }
    assert.fail("no matching event arrived");
  } finally {
    clearTimeout(timer);
    void pokes;
  }
}

test("the user stream delivers a followed author's post to masto.js", async () => {
  const reader = await registerUser("streamer");
  const author = await registerUser("streamed");
  await reader.masto.v1.accounts.$select(author.account.id).follow();
  const streaming = await streamingFor(reader);
  const subscription = streaming.user.subscribe();
  try {
    // Matched by author, not by the id the POST answers: the event may arrive first.
    const event = await nextEvent(
      subscription,
      (e) => e.event === "update" && e.payload.account.id === author.account.id,
      async () => {
        await author.masto.v1.statuses.create({ status: "live to masto.js" });
      },
    );
    assert.equal(event.payload.account.id, author.account.id);
    assert.match(event.payload.content, /live to masto\.js/);
  } finally {
    subscription.unsubscribe();
    streaming.close();
  }
});

test("the notification stream delivers a favourite to masto.js", async () => {
  const reader = await registerUser("notified");
  const fan = await registerUser("fan");
  const mine = await reader.masto.v1.statuses.create({ status: "favourite me" });
  const streaming = await streamingFor(reader);
  const subscription = streaming.user.notification.subscribe();
  try {
    const event = await nextEvent(
      subscription,
      (e) => e.event === "notification",
      async () => {
        await fan.masto.v1.statuses.$select(mine.id).unfavourite();
        await fan.masto.v1.statuses.$select(mine.id).favourite();
      },
    );
    assert.equal(event.payload.type, "favourite");
    assert.equal(event.payload.status.id, mine.id);
  } finally {
    subscription.unsubscribe();
    streaming.close();
  }
});

test("hashtag streams carry public posts with the tag", async () => {
  const reader = await registerUser("tagreader");
  const author = await registerUser("tagauthor");
  const tag = `live${Date.now().toString(36)}`;
  const streaming = await streamingFor(reader);
  const subscription = streaming.hashtag.subscribe({ tag });
  try {
    const event = await nextEvent(
      subscription,
      // By author, not by the id the POST answers: the event may arrive before the answer.
      (e) => e.event === "update" && e.payload.account.id === author.account.id,
      async () => {
        await author.masto.v1.statuses.create({ status: `about #${tag}` });
      },
    );
    assert.deepEqual(event.stream, ["hashtag", tag]);
  } finally {
    subscription.unsubscribe();
    streaming.close();
  }
});
