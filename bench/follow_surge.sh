#!/usr/bin/env bash
# The follow surge of issue 14 (an account gaining 120,000 followers in hours):
# N accounts, each with its own token, follow one account through the API
# (POST /api/v1/accounts/:id/follow) from 8 connections; reports the time for all
# N, follows/s, p99, and checks the target's followers_count afterwards.
# Accounts and tokens are seeded first (build/publius_seed --surge N, bulk writes).
# Usage: bench/follow_surge.sh [BUILD_DIR] [N] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
count=${2:-120000}
connections=${3:-8}
for tool in wrk curl python3; do
  command -v $tool >/dev/null || { echo "follow_surge: missing $tool (apt-get install wrk curl)" >&2; exit 1; }
done
work=$(mktemp -d)
port=$((20000 + RANDOM % 10000))
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$build/publius_seed" --data-dir "$work/data" --surge "$count" --tokens-file "$work/tokens"
"$build/publius" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --domain localhost \
  --public-url "http://127.0.0.1:$port" --rate-limit 1000000000 --no-access-log >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
target=$(curl -sf "$base/api/v1/accounts/lookup?acct=surge_target" | python3 -c "import sys,json; print(json.load(sys.stdin)['id'])")

# Each wrk thread follows with its share of the tokens (line 1 is the target's), one
# request per token, and round again (answered "already following"; a request wrk drops
# when it reconnects is made then) until the target's followers_count, polled here,
# reaches N; the time is until then.
cat >"$work/surge.lua" <<LUA
local next_id = 1
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end
function init(args)
  tokens = {}
  local i = 0
  for line in io.lines("$work/tokens") do
    if i > 0 and i % 2 == tid - 1 then table.insert(tokens, line) end
    i = i + 1
  end
  sent = 0
end
function request()
  sent = sent + 1
  return wrk.format("POST", "/api/v1/accounts/$target/follow",
                    {["Authorization"] = "Bearer " .. tokens[(sent - 1) % #tokens + 1]})
end
LUA
# Polled with curl and the shell alone: a Python start-up per poll would take a good part
# of a core from the two the server and wrk share.
followers_count() {
  local account
  account=$(curl -sf "$base/api/v1/accounts/$target")
  [[ $account =~ \"followers_count\":([0-9]+) ]] && echo "${BASH_REMATCH[1]}" || echo 0
}
start=$(date +%s.%N)
wrk -t2 -c"$connections" -d600s --latency -s "$work/surge.lua" "$base" >"$work/wrk.out" 2>&1 &
load=$!
until [[ $(followers_count) -ge $count ]]; do
  kill -0 $load 2>/dev/null || { cat "$work/wrk.out" >&2; exit 1; }
  sleep 0.1
done
end=$(date +%s.%N)
kill -INT $load; wait $load || true
followers=$(followers_count)
python3 - "$work/wrk.out" "$count" "$followers" "$connections" "$start" "$end" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
count, followers, conns = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
seconds = float(sys.argv[6]) - float(sys.argv[5])
p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{count} follows of one account from {conns} connections: {seconds:.1f} s, "
      f"{count / seconds:.0f} follows/s, p99 {p99_ms:.2f} ms, "
      f"non-2xx {errors.group(1) if errors else 0}, followers_count afterwards {followers}")
PY
