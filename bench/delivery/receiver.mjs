// One process of the delivery benchmark's receivers (bench/delivery_load.sh): plays many
// remote servers on one loopback port, server N's shared inbox being /s/N/inbox. Every POST
// is checked as Mastodon checks it before it counts: a draft-cavage HTTP Signature covering
// (request-target), host, date and digest, verified with the sender's RSA key (fetched once
// from the key id, then kept), and a Digest matching the body. Refused requests get a 401.
//
// GET /progress answers { "<object id>": { inboxes, first_ms, last_ms, repeats }, refused } for
// the activities received so far: an activity counts once per inbox (last_ms: when the last
// new inbox got it), further copies as repeats.
// Usage: node receiver.mjs PORT
import { createHash, createPublicKey, verify } from "node:crypto";
import { createServer } from "node:http";

const port = Number(process.argv[2]);
const keys = new Map(); // key id -> Promise<KeyObject>
const activities = new Map(); // object id -> { inboxes: Set, first_ms, last_ms }
let refused = 0;

function keyFor(keyId) {
  if (!keys.has(keyId)) {
    keys.set(
      keyId,
      (async () => {
        const res = await fetch(keyId.replace(/#.*$/, ""), { headers: { accept: "application/activity+json" } });
        if (!res.ok) throw new Error(`key ${keyId}: ${res.status}`);
        const doc = await res.json();
        const published = [doc.publicKey].flat().find((k) => k?.id === keyId) ?? doc;
        return createPublicKey(published.publicKeyPem);
      })(),
    );
  }
  return keys.get(keyId);
}

function parseSignature(header) {
  const params = {};
  for (const [, name, value] of header.matchAll(/(\w+)="([^"]*)"/g)) params[name] = value;
  return params;
}

async function verified(req, body) {
  const signature = parseSignature(req.headers.signature ?? "");
  const covered = (signature.headers ?? "date").split(" ");
  for (const needed of ["(request-target)", "host", "date", "digest"])
    if (!covered.includes(needed)) return false;
  const digest = `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
  if (req.headers.digest?.split(",").every((d) => d.trim() !== digest) ?? true) return false;
  const signed = covered
    .map((h) => (h === "(request-target)" ? `(request-target): ${req.method.toLowerCase()} ${req.url}` : `${h}: ${req.headers[h]}`))
    .join("\n");
  const key = await keyFor(signature.keyId);
  return verify("sha256", Buffer.from(signed), key, Buffer.from(signature.signature ?? "", "base64"));
}

const server = createServer(async (req, res) => {
  if (req.method === "GET" && req.url === "/progress") {
    const out = { refused };
    for (const [id, a] of activities) out[id] = { inboxes: a.inboxes.size, first_ms: a.first_ms, last_ms: a.last_ms, repeats: a.repeats };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(out));
    return;
  }
  const inbox = req.url.match(/^\/s\/(\d+)\/inbox$/);
  if (req.method !== "POST" || !inbox) {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  let ok = false;
  try {
    ok = await verified(req, body);
  } catch {
    ok = false;
  }
  if (!ok) {
    refused += 1;
    res.writeHead(401).end();
    return;
  }
  const activity = JSON.parse(body);
  const id = typeof activity.object === "string" ? activity.object : activity.object?.id;
  const now = Date.now();
  let a = activities.get(id);
  if (!a) activities.set(id, (a = { inboxes: new Set(), first_ms: now, last_ms: now, repeats: 0 }));
  if (a.inboxes.has(inbox[1])) {
    a.repeats += 1;
  } else {
    a.inboxes.add(inbox[1]);
    a.last_ms = now;
  }
  res.writeHead(202).end();
});
server.keepAliveTimeout = 60000;
server.listen(port, "127.0.0.1", () => console.error(`receiver on ${port}`));
