#!/usr/bin/env bash
# Reference for the fan-out benchmark: Mastodon's home-feed delivery in Redis,
# one ZADD per follower into that follower's sorted set (FeedManager#add_to_feed),
# here sent as a single pipeline through redis-cli --pipe — far kinder to Redis
# than Mastodon's one Sidekiq job per follower. Prints milliseconds for N followers.
#   bench/redis_fanout.sh [FOLLOWERS]   (default 158000)
set -euo pipefail
followers=${1:-158000}
command -v redis-server >/dev/null || { echo "redis_fanout: install redis-server" >&2; exit 1; }
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

# RESP commands: ZADD feed:home:<follower> <status id> <status id>, as Mastodon keys them.
python3 - "$followers" > "$dir/fanout.resp" <<'PY'
import sys
n = int(sys.argv[1]); status = "117664951953457152"
out = sys.stdout
for f in range(2, n + 2):
    key = f"feed:home:{f}"
    out.write(f"*4\r\n$4\r\nZADD\r\n${len(key)}\r\n{key}\r\n${len(status)}\r\n{status}\r\n${len(status)}\r\n{status}\r\n")
PY
start=$(date +%s%N)
redis-cli -p "$port" --pipe < "$dir/fanout.resp" >/dev/null
end=$(date +%s%N)
echo "redis_fanout followers=$followers ms=$(( (end - start) / 1000000 ))"
