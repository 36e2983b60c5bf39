// Load generator for bench/streaming_load.sh: opens one WebSocket per reader token on a
// streaming server (Publius, or the reference in ws_reference.mjs), then, round by round,
// posts as the author and times when each reader receives the `update` event.
//
// Usage: node stream_load.mjs --ws URL --post URL --tokens FILE --rounds R
//          [--workers W] [--server-pid PID] [--payload-out FILE]
//   --tokens FILE     the author's access token on the first line, then one per reader
//   --server-pid PID  read the server's resident memory (VmRSS) idle and with every client on,
//                     and the CPU time it spends on the rounds (user + system)
//   --payload-out F   write the last update message received, byte for byte (the reference
//                     server then sends exactly these bytes)
// Prints one JSON object: clients, rounds, the time from the POST to the last reader per round
// (p50, p99, max) and to each reader (p50, p99), the server's RSS and its CPU time per round.
// CPU time is the steadier figure on a shared machine: the latencies also count whatever
// else runs there, the generator itself included.
//
// The readers are spread over worker threads so that the generator itself is not the slowest
// reader; times are taken with performance.timeOrigin + performance.now(), comparable across
// the threads of one process.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import WebSocket from "ws";

const now = () => performance.timeOrigin + performance.now();
const isUpdate = (text) => text.includes('"event":"update"');

if (isMainThread) {
  await main();
} else {
  await readers(workerData);
}

function parseArgs() {
  const args = { rounds: 20, workers: 2 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    args[name] = argv[i + 1];
  }
  for (const required of ["ws", "post", "tokens"]) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  args.rounds = Number(args.rounds);
  args.workers = Number(args.workers);
  return args;
}

function rssMiB(pid) {
  if (!pid) return null;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  return Math.round(kib / 1024);
}

// CPU time (user + system) the process has used so far, in ms.
function cpuMs(pid) {
  if (!pid) return null;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;  // utime, stime
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const args = parseArgs();
  const [authorToken, ...readerTokens] = readFileSync(args.tokens, "utf8").split("\n").filter(Boolean);
  const rssIdle = rssMiB(args.serverPid);
  const slices = Array.from({ length: args.workers }, (_, w) =>
    readerTokens.filter((_, i) => i % args.workers === w));
  const workers = slices.map((tokens) => new Worker(new URL(import.meta.url), {
    workerData: { ws: args.ws, tokens },
  }));
  // Messages from workers, one queue per worker.
  const inboxes = workers.map((worker) => {
    const queue = [];
    const waiting = [];
    worker.on("message", (m) => (waiting.length ? waiting.shift()(m) : queue.push(m)));
    worker.on("error", (e) => { console.error(e); process.exit(1); });
    return () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r)));
  });
  const connectStart = now();
  await Promise.all(inboxes.map((next) => next()));  // every reader connected
  const connectSeconds = (now() - connectStart) / 1000;
  const rssConnected = rssMiB(args.serverPid);

  const lastPerRound = [];
  const perReader = [];
  let payload = "";
  const cpuBefore = cpuMs(args.serverPid);
  for (let round = 0; round < args.rounds; ++round) {
    workers.forEach((worker) => worker.postMessage({ round }));
    await Promise.all(inboxes.map((next) => next()));  // armed
    const posted = now();
    const response = await fetch(args.post, {
      method: "POST",
      headers: { Authorization: `Bearer ${authorToken}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: `status=${encodeURIComponent(`Round ${round} of the streaming benchmark #bench`)}`,
    });
    if (!response.ok) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
    const results = await Promise.all(inboxes.map((next) => next()));
    let last = 0;
    for (const { arrivals, message } of results) {
      for (const t of arrivals) {
        perReader.push(t - posted);
        last = Math.max(last, t - posted);
      }
      payload = message || payload;
    }
    lastPerRound.push(last);
    await new Promise((r) => setTimeout(r, 200));
  }
  const rssAfter = rssMiB(args.serverPid);
  const cpuPerRound = args.serverPid ? (cpuMs(args.serverPid) - cpuBefore) / args.rounds : null;
  workers.forEach((worker) => worker.postMessage({ stop: true }));
  if (args.payloadOut) writeFileSync(args.payloadOut, payload);
  lastPerRound.sort((a, b) => a - b);
  perReader.sort((a, b) => a - b);
  const ms = (v) => Math.round(v * 100) / 100;
  console.log(JSON.stringify({
    clients: readerTokens.length,
    rounds: args.rounds,
    connect_s: ms(connectSeconds),
    last_reader_ms: { p50: ms(percentile(lastPerRound, 50)), p99: ms(percentile(lastPerRound, 99)), max: ms(lastPerRound.at(-1)) },
    each_reader_ms: { p50: ms(percentile(perReader, 50)), p99: ms(percentile(perReader, 99)) },
    server_rss_mib: { idle: rssIdle, connected: rssConnected, after: rssAfter },
    server_cpu_ms_per_round: cpuPerRound === null ? null : ms(cpuPerRound),
  }));
  process.exit(0);
}

// A worker: connects its readers (a few hundred handshakes at a time), then for each round
// records when each reader gets its first update after the round was armed.
async function readers({ ws, tokens }) {
  const sockets = new Array(tokens.length);
  const arrivals = new Float64Array(tokens.length);
  let armed = false;
  let received = 0;
  let lastMessage = "";
  let stopping = false;
  const opened = (i) => new Promise((resolve, reject) => {
    const socket = new WebSocket(ws, { headers: { Authorization: `Bearer ${tokens[i]}` } });
    socket.on("open", () => resolve());
    socket.on("error", reject);
    socket.on("unexpected-response", (_, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
    socket.on("close", (code) => {
      if (!stopping) throw new Error(`reader ${i}'s socket closed (code ${code})`);
    });
    socket.on("message", (data) => {
      if (!armed || arrivals[i] !== 0) return;
      const text = data.toString();
      if (!isUpdate(text)) return;
      arrivals[i] = now();
      lastMessage = text;
      if (++received === tokens.length) {
        armed = false;
        parentPort.postMessage({ arrivals: Array.from(arrivals), message: lastMessage });
      }
    });
    sockets[i] = socket;
  });
  const batch = 200;
  for (let start = 0; start < tokens.length; start += batch) {
    await Promise.all(tokens.slice(start, start + batch).map((_, k) => opened(start + k)));
  }
  parentPort.postMessage({ connected: tokens.length });
  parentPort.on("message", (m) => {
    if (m.stop) {
      stopping = true;
      sockets.forEach((s) => s.terminate());
      process.exit(0);
    }
    arrivals.fill(0);
    received = 0;
    armed = tokens.length > 0;
    parentPort.postMessage({ armed: m.round });
    if (!armed) parentPort.postMessage({ arrivals: [], message: "" });
  });
}
