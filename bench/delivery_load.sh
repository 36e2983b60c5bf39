#!/usr/bin/env bash
# Delivery benchmark (issue 12): one public post by an account whose FOLLOWERS remote followers
# live on SERVERS remote servers; the time from the author's POST /api/v1/statuses until every
# server's shared inbox has the Create(Note), each POST's HTTP Signature and Digest verified by
# the receiver. Beside it, in the same run and to the same receivers, the reference: Fedify's
# own Context.sendActivity fan-out (npm @fedify/fedify, no queue, shared inboxes) to the same
# FOLLOWERS recipients. And the bound both meet: RSA-2048 signatures per second on this
# machine with OpenSSL (one a delivery), on one core and on all. The CPU seconds are the
# sender's: the Publius server process's over its run, the Fedify process's over its own
# (sending and waiting, which includes its polls of the receivers).
#
# The servers are distinct inbox URLs, not distinct hosts: http://127.0.0.1:PORT/s/N/inbox,
# served by RECEIVERS Node processes (bench/delivery/receiver.mjs), server N on the
# (N mod RECEIVERS)th. Publius runs with --federation-loopback-testing so it may deliver there,
# and with --delivery-per-host 16: its limit of deliveries in flight to one server counts
# host and port, and here RECEIVERS ports stand for SERVERS servers.
# Usage: bench/delivery_load.sh [BUILD_DIR] [FOLLOWERS] [SERVERS] [RECEIVERS]
# Needs the benchmark build (build/publius_seed), Node 20, npm (installs Fedify here), openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
followers=${2:-158000}
servers=${3:-5000}
receivers=${4:-2}
for tool in node npm curl openssl; do
  command -v $tool >/dev/null || { echo "delivery_load: missing $tool" >&2; exit 1; }
done
[[ -x $build/publius_seed ]] || { echo "delivery_load: $build/publius_seed missing (build with -DPUBLIUS_BUILD_BENCH=ON)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"
(cd bench/delivery && { [[ -d node_modules/@fedify/fedify ]] || npm ci --no-audit --no-fund --silent; })

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
port=$(free_port)
origins=()
bases=()
for _ in $(seq "$receivers"); do
  p=$(free_port)
  origins+=("http://127.0.0.1:$p")
  bases+=(--remote-base "http://127.0.0.1:$p")
done

echo "seeding $followers remote followers on $servers servers..." >&2
seed_start=$SECONDS
"$build/publius_seed" --data-dir "$work/data" --followers 0 --tokens-file "$work/tokens" \
  --remote-followers "$followers" --remote-servers "$servers" "${bases[@]}"
echo "seeded in $((SECONDS - seed_start)) s" >&2
for origin in "${origins[@]}"; do
  node bench/delivery/receiver.mjs "${origin##*:}" 2>>"$work/receivers.log" &
  pids+=($!)
done
"$build/publius" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --domain localhost \
  --public-url "http://127.0.0.1:$port" --rate-limit 1000000000 --no-access-log \
  --federation-loopback-testing --delivery-per-host 16 >"$work/server.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
for origin in "${origins[@]}"; do
  for _ in $(seq 100); do curl -sf "$origin/progress" >/dev/null && break; sleep 0.1; done
done

# The server's CPU time (user + system) in seconds, from /proc.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$server/stat"; }
token=$(head -n 1 "$work/tokens")
# The author's actor key is made on first need: have it made now, as the first remote follower
# fetching the actor would have, so that neither side's timing includes making its key.
curl -sf -H 'Accept: application/activity+json' "http://127.0.0.1:$port/users/author" >/dev/null
cpu_before=$(cpu_seconds)
publius=$(node bench/delivery/send.mjs publius "http://127.0.0.1:$port" "$token" "$servers" "${origins[@]}")
publius_cpu=$(echo "$(cpu_seconds) - $cpu_before" | bc -l)
fedify=$(node bench/delivery/send.mjs fedify "$followers" "$servers" "${origins[@]}")

# "rsa 2048 bits 0.000693s 0.000020s 1443.0 49176.5": the sign/s column.
rsa_signs() { openssl speed -seconds 3 "$@" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $(NF-1)}'; }
one_core=$(rsa_signs)
all_cores=$(rsa_signs -multi "$(nproc)")

field() { node -e 'const o = JSON.parse(process.argv[1]); console.log(o[process.argv[2]]);' "$1" "$2"; }
printf '\n%s followers on %s servers (%s receiver processes, %s cores)\n' "$followers" "$servers" \
  "$receivers" "$(nproc)"
printf '%-34s %10s %10s %8s %8s %12s\n' sender seconds inboxes refused repeats "CPU seconds"
cpu=("$publius_cpu" "$(field "$fedify" cpu_seconds)")
i=0
for run in "$publius" "$fedify"; do
  printf '%-34s %10.2f %10s %8s %8s %12.2f\n' "$(field "$run" sender)" "$(field "$run" seconds)" \
    "$(field "$run" inboxes)" "$(field "$run" refused)" "$(field "$run" repeats)" "${cpu[$i]}"
  i=$((i + 1))
done
printf '%-34s %10.2f\n' "RSA-2048 signing bound, 1 core" "$(echo "$servers / $one_core" | bc -l)"
printf '%-34s %10.2f\n' "RSA-2048 signing bound, $(nproc) cores" "$(echo "$servers / $all_cores" | bc -l)"
printf 'RSA-2048 signatures/s: %s on 1 core, %s on %s cores (openssl speed)\n' "$one_core" \
  "$all_cores" "$(nproc)"
