// The two senders of the delivery benchmark (bench/delivery_load.sh), each timed from the
// moment it is asked to send one public post until every one of the receivers' inboxes has
// it (the receivers' own clocks, same machine), printed as one JSON line.
//
//   node send.mjs publius URL TOKEN SERVERS RECEIVER_ORIGIN...
//     POST /api/v1/statuses as the seeded author; Publius's delivery queue does the rest.
//   node send.mjs fedify FOLLOWERS SERVERS RECEIVER_ORIGIN...
//     Fedify's Context.sendActivity (no queue, preferSharedInbox) from an actor with an
//     RSA-2048 key, to FOLLOWERS recipients laid out as publius_seed lays them out.
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { Create, createFederation, Endpoints, MemoryKvStore, Note, Person, PUBLIC_COLLECTION } from "@fedify/fedify";

const [mode, ...args] = process.argv.slice(2);

function progress(receivers) {
  return Promise.all(receivers.map(async (r) => (await fetch(`${r}/progress`)).json()));
}

// Waits until `objectId` reached `servers` inboxes across the receivers; returns when the
// last one got it and how many were refused or repeated.
async function untilDelivered(receivers, objectId, servers, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await progress(receivers);
    const got = all.map((p) => p[objectId]).filter(Boolean);
    const inboxes = got.reduce((n, a) => n + a.inboxes, 0);
    const refused = all.reduce((n, p) => n + p.refused, 0);
    if (inboxes >= servers || Date.now() > deadline) {
      return {
        inboxes,
        refused,
        repeats: got.reduce((n, a) => n + a.repeats, 0),
        last_ms: Math.max(0, ...got.map((a) => a.last_ms)),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const timeoutMs = Number(process.env.DELIVERY_TIMEOUT_MS ?? 1_800_000);

if (mode === "publius") {
  const [url, token, servers, ...receivers] = args;
  const start = Date.now();
  const res = await fetch(`${url}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ status: `Delivery benchmark ${randomBytes(4).toString("hex")}`, visibility: "public" }),
  });
  if (!res.ok) throw new Error(`POST /api/v1/statuses: ${res.status} ${await res.text()}`);
  const status = await res.json();
  const done = await untilDelivered(receivers, status.uri, Number(servers), timeoutMs);
  console.log(JSON.stringify({ sender: "publius", ...done, seconds: (done.last_ms - start) / 1000 }));
} else if (mode === "fedify") {
  const [followers, servers, ...receivers] = args.map((a, i) => (i < 2 ? Number(a) : a));
  const keyPair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      const [key] = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: ctx.getInboxUri(identifier),
        publicKey: key.cryptographicKey,
      });
    })
    .setKeyPairsDispatcher(async () => [keyPair]);
  federation.setInboxListeners("/users/{identifier}/inbox", "/inbox");
  // The actor (and its key) for the receivers to fetch.
  const server = createServer(async (req, res) => {
    const response = await federation.fetch(new Request(`http://${req.headers.host}${req.url}`, { headers: req.headers }), {
      contextData: undefined,
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const ctx = federation.createContext(new URL(origin), undefined);

  const recipients = [];
  for (let i = 0; i < followers; i++) {
    const n = i % servers;
    const base = `${receivers[n % receivers.length]}/s/${n}`;
    const id = new URL(`${base}/users/s${n}u${i}`);
    recipients.push({
      id,
      inboxId: new URL(`${id.href}/inbox`),
      endpoints: new Endpoints({ sharedInbox: new URL(`${base}/inbox`) }),
    });
  }
  const actor = ctx.getActorUri("bench");
  const noteId = new URL(`${actor.href}/statuses/${randomBytes(6).toString("hex")}`);
  const activity = new Create({
    id: new URL(`${noteId.href}/activity`),
    actor,
    to: PUBLIC_COLLECTION,
    object: new Note({
      id: noteId,
      attribution: actor,
      to: PUBLIC_COLLECTION,
      content: "<p>Delivery benchmark</p>",
    }),
  });
  const cpu = process.cpuUsage();
  const start = Date.now();
  await ctx.sendActivity({ identifier: "bench" }, recipients, activity, { preferSharedInbox: true });
  const done = await untilDelivered(receivers, noteId.href, servers, timeoutMs);
  const used = process.cpuUsage(cpu);
  const cpu_seconds = (used.user + used.system) / 1e6;
  console.log(JSON.stringify({ sender: "fedify", ...done, seconds: (done.last_ms - start) / 1000, cpu_seconds }));
  server.close();
} else {
  console.error("usage: node send.mjs publius URL TOKEN SERVERS RECEIVER... | fedify FOLLOWERS SERVERS RECEIVER...");
  process.exit(2);
}
