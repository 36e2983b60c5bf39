#!/usr/bin/env bash
# Streaming benchmark: N WebSocket readers on the `user` stream, all following one author;
# the time from the author's POST /api/v1/statuses to the last reader receiving the `update`
# (p50/p99 over rounds, and to each reader), and the server's resident memory, beside a
# reference measured in the same run: a plain Node `ws` broadcast server
# (bench/streaming/ws_reference.mjs) sending the same bytes to the same N readers.
# Usage: bench/streaming_load.sh [BUILD_DIR] [READERS] [ROUNDS]
# Needs the benchmark build (build/publius_seed), Node 20 and npm (installs `ws` here).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
readers=${2:-10000}
rounds=${3:-20}
for tool in node npm curl; do
  command -v $tool >/dev/null || { echo "streaming_load: missing $tool" >&2; exit 1; }
done
[[ -x $build/publius_seed ]] || { echo "streaming_load: $build/publius_seed missing (build with -DPUBLIUS_BUILD_BENCH=ON)" >&2; exit 1; }
# Each side holds one socket per reader, and so does the load generator.
ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < readers + 200 )); then
  echo "streaming_load: the open-file limit ($(ulimit -n)) is below $readers readers" >&2; exit 1
fi
(cd bench/streaming && { [[ -d node_modules/ws ]] || npm ci --no-audit --no-fund --silent; })

work=$(mktemp -d)
server=""
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$((20000 + RANDOM % 10000))

echo "seeding $readers readers..." >&2
"$build/publius_seed" --data-dir "$work/data" --followers "$readers" --tokens-file "$work/tokens"
"$build/publius" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --domain localhost \
  --public-url "http://127.0.0.1:$port" --rate-limit 1000000000 --no-access-log \
  --threads "$(nproc)" --max-connections $((readers + 100)) --max-streams $((readers + 10)) \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
load() {  # ws-url post-url pid [payload-out]
  node bench/streaming/stream_load.mjs --ws "$1" --post "$2" --tokens "$work/tokens" \
    --rounds "$rounds" --server-pid "$3" ${4:+--payload-out "$4"}
}
echo "publius..." >&2
publius=$(load "ws://127.0.0.1:$port/api/v1/streaming?stream=user" \
  "http://127.0.0.1:$port/api/v1/statuses" "$server" "$work/payload")
kill "$server"; wait "$server" 2>/dev/null || true; server=""

echo "reference (node ws)..." >&2
node bench/streaming/ws_reference.mjs --port "$port" --payload "$work/payload" >"$work/ref.out" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/ref.out" 2>/dev/null && break; sleep 0.1; done
reference=$(load "ws://127.0.0.1:$port/api/v1/streaming" "http://127.0.0.1:$port/api/v1/statuses" "$server")

python3 - "$publius" "$reference" "$(wc -c <"$work/payload")" <<'PY'
import json, sys
p, r = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{p['clients']} readers, {p['rounds']} rounds, a {sys.argv[3]}-byte message each")
print("| server | last reader p50 ms | p99 ms | each reader p50 ms | p99 ms | server CPU ms per post | RSS idle MiB | RSS connected MiB | RSS after MiB |")
print("|---|---|---|---|---|---|---|---|---|")
for name, d in (("Publius", p), ("Node ws broadcast (reference)", r)):
    l, e, m = d["last_reader_ms"], d["each_reader_ms"], d["server_rss_mib"]
    print(f"| {name} | {l['p50']} | {l['p99']} | {e['p50']} | {e['p99']} | {d['server_cpu_ms_per_round']} | {m['idle']} | {m['connected']} | {m['after']} |")
print(f"Publius / reference, last reader p50: {p['last_reader_ms']['p50'] / r['last_reader_ms']['p50']:.2f} "
      f"(below 1 is faster); server CPU per post: {p['server_cpu_ms_per_round'] / r['server_cpu_ms_per_round']:.2f}; "
      f"RSS connected: {p['server_rss_mib']['connected'] / r['server_rss_mib']['connected']:.2f}")
PY
