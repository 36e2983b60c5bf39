#!/usr/bin/env bash
# HTTP benchmarks against a running Publius, each beside a reference measured in
# the same run on the same machine:
#   1. GET /api/v1/timelines/home (20 statuses a page): req/s and p99, against
#      nginx serving the very same response bytes from a file;
#   2. POST /api/v1/statuses: durable post creations per second (each one fsynced
#      by SQLite before the response), against nginx answering a POST with a fixed body,
#      and against PostgreSQL's one-row INSERT transactions per second from 8 pgbench
#      clients with default durability on the same disk (bench/pg_insert.sh; skipped
#      when PostgreSQL is not installed).
# Usage: bench/http_load.sh [BUILD_DIR] [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${2:-10}
for tool in wrk nginx curl python3; do
  command -v $tool >/dev/null || { echo "http_load: missing $tool (apt-get install wrk nginx-light curl)" >&2; exit 1; }
done
work=$(mktemp -d)
port=$((20000 + RANDOM % 10000))
nginx_port=$((port + 1))
"$build/publius" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --domain localhost \
  --public-url "http://127.0.0.1:$port" --rate-limit 1000000000 --no-access-log >"$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

base="http://127.0.0.1:$port"
json() { python3 -c "import sys,json; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
app=$(curl -sf -X POST "$base/api/v1/apps" -d client_name=bench -d redirect_uris=urn:ietf:wg:oauth:2.0:oob -d 'scopes=read write follow')
cid=$(echo "$app" | json client_id); secret=$(echo "$app" | json client_secret)
app_token=$(curl -sf -X POST "$base/oauth/token" -d grant_type=client_credentials -d client_id="$cid" -d client_secret="$secret" -d 'scope=read write follow' | json access_token)
register() { curl -sf -X POST "$base/api/v1/accounts" -H "Authorization: Bearer $app_token" -d username="$1" -d password=benchmark-password -d agreement=true | json access_token; }
reader=$(register reader); author=$(register author)
author_id=$(curl -sf "$base/api/v1/accounts/lookup?acct=author" | json id)
curl -sf -X POST "$base/api/v1/accounts/$author_id/follow" -H "Authorization: Bearer $reader" >/dev/null
for i in $(seq 1 60); do
  curl -sf -X POST "$base/api/v1/statuses" -H "Authorization: Bearer $author" \
    --data-urlencode "status=Post number $i about #immigration policy, see https://example.org/report/$i and @reader" >/dev/null
done

# The reference serves exactly the bytes Publius returns for the page.
curl -sf "$base/api/v1/timelines/home?limit=20" -H "Authorization: Bearer $reader" >"$work/home.json"
mkdir -p "$work/www/api/v1/timelines" && cp "$work/home.json" "$work/www/api/v1/timelines/home"
echo '{"id":"1"}' >"$work/www/post.json"
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location = /api/v1/statuses { return 200 '{"id":"1"}'; }
  }
}
NGINX
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf" -p "$work"

cat >"$work/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $reader"
LUA
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $author"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, "status=benchmark+post+" .. counter .. "+%23load")
end
LUA

run_wrk() {  # url script connections -> "req_per_s p99_ms"
  wrk -t2 -c"$3" -d"${duration}s" --latency -s "$2" "$1" >"$work/wrk.out" 2>&1
  python3 - "$work/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {p99:.2f} {errors.group(1) if errors else 0}")
PY
}

read -r home_rps home_p99 home_err < <(run_wrk "$base/api/v1/timelines/home?limit=20" "$work/get.lua" 32)
read -r ngx_rps ngx_p99 _ < <(run_wrk "http://127.0.0.1:$nginx_port/api/v1/timelines/home" "$work/get.lua" 32)
read -r post_rps post_p99 post_err < <(run_wrk "$base/api/v1/statuses" "$work/post.lua" 8)
read -r ngx_post_rps ngx_post_p99 _ < <(run_wrk "http://127.0.0.1:$nginx_port/api/v1/statuses" "$work/post.lua" 8)
bytes=$(wc -c <"$work/home.json")
pg_tps=0
if pg_out=$(bench/pg_insert.sh "$duration" 8); then
  pg_tps=$(echo "$pg_out" | sed -n 's/^tps //p')
else
  echo "http_load: the PostgreSQL reference was skipped (see above)" >&2
fi

python3 - "$home_rps" "$home_p99" "$ngx_rps" "$ngx_p99" "$post_rps" "$post_p99" "$ngx_post_rps" "$ngx_post_p99" "$bytes" "$home_err" "$post_err" "$pg_tps" <<'PY'
import sys
h, hp, n, np_, p, pp, npost, npp, size, herr, perr, pg = sys.argv[1:]
h, hp, n, np_, p, pp, npost, npp, pg = map(float, (h, hp, n, np_, p, pp, npost, npp, pg))
print(f"| benchmark | Publius req/s | p99 ms | nginx req/s | nginx p99 ms | Publius / nginx |")
print(f"|---|---|---|---|---|---|")
print(f"| GET home timeline, 20 statuses ({size} bytes) | {h:.0f} | {hp:.2f} | {n:.0f} | {np_:.2f} | {h/n:.2f} |")
print(f"| POST status, durable (acknowledged after its fsync) | {p:.0f} | {pp:.2f} | {npost:.0f} | {npp:.2f} | {p/npost:.3f} |")
if pg > 0:
    print(f"PostgreSQL one-row INSERT transactions/s, 8 pgbench clients, default durability: {pg:.0f}")
    print(f"posts/s / PostgreSQL INSERT/s: {p/pg:.2f}")
print(f"non-2xx responses: home {herr}, post {perr}")
PY
