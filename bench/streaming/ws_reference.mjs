// The reference for bench/streaming_load.sh: a plain Node `ws` broadcast server, what
// Mastodon's own streaming server is built on, doing the least a streaming server can do.
// It accepts WebSockets at /api/v1/streaming (no authentication, no subscriptions) and, for
// each POST /api/v1/statuses, answers 200 and sends the same message (the bytes in
// --payload, which the benchmark captured from Publius) to every open socket.
//
// Usage: node ws_reference.mjs --port PORT --payload FILE
// Prints "listening" on stdout once it accepts connections.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { WebSocketServer } from "ws";

const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0 || argv[i + 1] === undefined) throw new Error(`--${name} is required`);
  return argv[i + 1];
};
const payload = readFileSync(arg("payload"), "utf8");

const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/api/v1/statuses") {
    res.writeHead(404).end();
    return;
  }
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json" }).end('{"id":"1"}');
    for (const client of wss.clients) client.send(payload);
  });
});
const wss = new WebSocketServer({ server, path: "/api/v1/streaming" });
server.listen(Number(arg("port")), "127.0.0.1", () => console.log("listening"));
