#!/usr/bin/env bash
# Issue 14's scale test: Publius on F times an instance of 200,000 accounts,
# 10,000,000 follows (a few accounts followed by 150,000+, Zipf-like rest) and
# 2,000,000 posts, seeded by build/publius_seed --scale F. Measures, on that data:
#   - database file size (and per million posts) and seeding time;
#   - start-up: from exec to the first answered request (/health), and to the first
#     home timeline (that reader's feed warms lazily, on this read);
#   - RSS idle, and after warming W home feeds (one home timeline read by each of W readers);
#   - home timeline req/s and p99 at 32 connections, the readers taking turns, and the
#     server's CPU (user + system, from /proc) per page over that run;
#   - fan-out of a post by the most followed account (publius_fanout_seconds from
#     /metrics: finding its followers' warm feeds and appending to them), mean of 20 posts.
# Prints one Markdown table row. The data directory is kept for reruns when given.
# Usage: bench/scale_load.sh [BUILD_DIR] [FRACTION] [DATA_DIR] [DURATION_S] [WARM_FEEDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
fraction=${2:-0.1}
data=${3:-}
duration=${4:-10}
warm=${5:-50000}
for tool in wrk curl python3; do
  command -v $tool >/dev/null || { echo "scale_load: missing $tool (apt-get install wrk curl)" >&2; exit 1; }
done
work=$(mktemp -d)
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
[[ -n $data ]] || data=$work/data
seed_s=reused
if [[ ! -f $data/publius.db ]]; then
  start=$(date +%s.%N)
  "$build/publius_seed" --data-dir "$data" --scale "$fraction" --tokens $((warm + 1)) \
    --tokens-file "$data/tokens"
  seed_s=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.0f}')" "$start" "$(date +%s.%N)")
fi
db_bytes=$(stat -c %s "$data/publius.db")
tokens=$(wc -l <"$data/tokens")
warm=$((tokens - 1 < warm ? tokens - 1 : warm))

port=$((20000 + RANDOM % 10000))
metrics_port=$((port + 1))
base="http://127.0.0.1:$port"
start=$(date +%s.%N)
"$build/publius" serve --data-dir "$data" --listen "127.0.0.1:$port" --domain localhost \
  --public-url "$base" --rate-limit 1000000000 --no-access-log \
  --metrics-listen "127.0.0.1:$metrics_port" >"$work/server.log" 2>&1 &
server=$!
until curl -sf "$base/health" >/dev/null; do
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.01
done
health_at=$(date +%s.%N)
reader=$(sed -n 2p "$data/tokens")
curl -sf "$base/api/v1/timelines/home?limit=20" -H "Authorization: Bearer $reader" >"$work/home.json"
home_at=$(date +%s.%N)
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
rss_idle=$(rss_kib)

# Readers: tokens 2..warm+1, split between wrk's two threads, round and round: until
# publius_home_feeds_warm counts them all (warming), then for the load.
cat >"$work/readers.lua" <<LUA
local next_id = 1
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end
function init(args)
  tokens = {}
  local i = 0
  for line in io.lines("$data/tokens") do
    if i >= 1 and i <= $warm and i % 2 == tid - 1 then table.insert(tokens, line) end
    i = i + 1
  end
  sent = 0
end
function request()
  sent = sent + 1
  local token = tokens[(sent - 1) % #tokens + 1]
  return wrk.format("GET", "/api/v1/timelines/home?limit=20", {["Authorization"] = "Bearer " .. token})
end
LUA
metric() { curl -sf "http://127.0.0.1:$metrics_port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
warm_start=$(date +%s.%N)
wrk -t2 -c8 -d1200s -s "$work/readers.lua" "$base" >"$work/warm.out" 2>&1 &
load=$!
until [[ $(metric publius_home_feeds_warm) -ge $warm ]]; do sleep 0.2; done
warm_s=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$warm_start" "$(date +%s.%N)")
kill -INT $load; wait $load || true
warm_feeds=$(metric publius_home_feeds_warm)
feed_bytes=$(metric publius_home_feed_bytes)
rss_warm=$(rss_kib)

# The server's CPU over the home timeline run (user and system ticks), per request below.
cpu_ticks() { awk '{print $14, $15}' "/proc/$server/stat"; }
cpu_before=$(cpu_ticks)
wrk -t2 -c32 -d"${duration}s" --latency -s "$work/readers.lua" "$base" >"$work/home.out" 2>&1
cpu_after=$(cpu_ticks)

author=$(sed -n 1p "$data/tokens")
fan_sum0=$(metric publius_fanout_seconds_sum); fan_n0=$(metric publius_fanout_seconds_count)
for i in $(seq 20); do
  curl -sf -X POST "$base/api/v1/statuses" -H "Authorization: Bearer $author" \
    --data-urlencode "status=Scale post $i from the most followed account" >/dev/null
  sleep 0.2
done
sleep 1
fan_sum1=$(metric publius_fanout_seconds_sum); fan_n1=$(metric publius_fanout_seconds_count)
followers=$(curl -sf "$base/api/v1/accounts/1" | python3 -c "import sys,json; print(json.load(sys.stdin)['followers_count'])")
rss_end=$(rss_kib)

python3 - "$fraction" "$db_bytes" "$data" "$start" "$health_at" "$home_at" "$rss_idle" "$warm_feeds" \
  "$warm_s" "$rss_warm" "$feed_bytes" "$work/home.out" "$fan_sum0" "$fan_n0" "$fan_sum1" "$fan_n1" \
  "$followers" "$seed_s" "$rss_end" "$(getconf CLK_TCK)" $cpu_before $cpu_after <<'PY'
import re, sqlite3, sys
(fraction, db_bytes, data, start, health_at, home_at, rss_idle, warm_feeds, warm_s, rss_warm,
 feed_bytes, home_out, s0, n0, s1, n1, followers, seed_s, rss_end, ticks_per_s, user0, system0,
 user1, system1) = sys.argv[1:]
con = sqlite3.connect(f"file:{data}/publius.db?mode=ro", uri=True)
accounts, follows, posts = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                            for t in ("accounts", "follows", "statuses"))
text = open(home_out).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
requests = int(re.search(r"(\d+) requests in", text).group(1))
cpu_us = lambda t0, t1: (float(t1) - float(t0)) / float(ticks_per_s) * 1e6 / max(1, requests)
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
fan_ms = (float(s1) - float(s0)) / max(1, float(n1) - float(n0)) * 1000
mib = lambda kib: float(kib) / 1024
print(f"scale {fraction}: {accounts} accounts, {follows} follows, {posts} posts; "
      f"largest account's followers {followers}; seeding {seed_s} s")
print("| scale | accounts | follows | posts | db MiB | db MiB per 1M posts | start-up to /health s "
      "| to first home timeline s | RSS idle MiB | warm feeds | warming s | RSS warm MiB "
      "| feed MiB | home req/s | home p99 ms | server CPU us per home page (user + system) "
      "| fan-out ms (largest) | RSS end MiB |")
print("|---" * 18 + "|")
print(f"| {fraction} | {accounts} | {follows} | {posts} | {int(db_bytes)/2**20:.0f} "
      f"| {int(db_bytes)/2**20/(posts/1e6):.0f} | {float(health_at)-float(start):.2f} "
      f"| {float(home_at)-float(start):.2f} | {mib(rss_idle):.0f} | {warm_feeds} | {warm_s} "
      f"| {mib(rss_warm):.0f} | {float(feed_bytes)/2**20:.0f} | {rps:.0f} | {p99:.2f} "
      f"| {cpu_us(user0, user1):.0f} + {cpu_us(system0, system1):.0f} | {fan_ms:.2f} "
      f"| {mib(rss_end):.0f} |")
if errors:
    print(f"non-2xx home responses: {errors.group(1)}")
PY
