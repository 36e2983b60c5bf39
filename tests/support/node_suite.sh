#!/usr/bin/env bash
# Runs a Node test suite against a fresh Publius: installs the suite's pinned npm packages,
# starts the server on a free local port with an empty data directory, runs
# `node --test` in SUITE_DIR with PUBLIUS_URL (and PUBLIUS_BINARY, PUBLIUS_DATA_DIR for
# operator set-up through admin commands) set, then stops the server with SIGTERM.
# Shared by tests/compat (masto.js), tests/web_e2e (playwright-core + Chromium) and
# tests/federation_interop (Fedify).
#
# Usage: tests/support/node_suite.sh SUITE_DIR PATH_TO_PUBLIUS_BINARY [node --test flags...]
# Exits with the test runner's status. Set PUBLIUS_SUITE_SERVER_LOG=FILE to keep a copy of
# the server log, PUBLIUS_SUITE_SERVE_FLAGS to give `serve` more flags, and
# PUBLIUS_SUITE_DOMAIN_IS_ADDRESS=1 to make the domain 127.0.0.1:PORT instead of localhost.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 SUITE_DIR PATH_TO_PUBLIUS_BINARY [node --test flags...]" >&2
  exit 2
fi
here=$(cd "$1" && pwd)
suite=$(basename "$here")
binary=$2
shift 2
if [[ ! -x $binary ]]; then
  echo "$suite: $binary is not an executable file" >&2
  exit 2
fi
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
cd "$here"

# Install the pinned client when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ||
      package.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/publius-$suite.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "$suite: server did not stop within 10s of SIGTERM; killing it" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n ${PUBLIUS_SUITE_SERVER_LOG:-} && -f $tmp/server.log ]]; then
    cp "$tmp/server.log" "$PUBLIUS_SUITE_SERVER_LOG" || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

health_ok() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(1000) })
    .then(async (r) => process.exit(r.ok && (await r.text()).trim() === "OK" ? 0 : 1),
          () => process.exit(1));' "$1"
}

# A port picked this way can be taken by someone else before the server binds it: retry.
started=""
for attempt in 1 2 3; do
  port=$(free_port)
  url="http://127.0.0.1:$port"
  domain=localhost
  if [[ -n ${PUBLIUS_SUITE_DOMAIN_IS_ADDRESS:-} ]]; then domain="127.0.0.1:$port"; fi
  mkdir -p "$tmp/data"
  "$binary" serve --data-dir "$tmp/data" --listen "127.0.0.1:$port" --domain "$domain" \
    --public-url "$url" --rate-limit 100000 ${PUBLIUS_SUITE_SERVE_FLAGS:-} >"$tmp/server.log" 2>&1 &
  server_pid=$!
  deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    if health_ok "$url/health"; then
      started=yes
      break
    fi
    sleep 0.1
  done
  [[ -n $started ]] && break
  echo "$suite: server did not become healthy on port $port (attempt $attempt); its log:" >&2
  cat "$tmp/server.log" >&2 || true
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
  rm -rf "$tmp/data"
done
if [[ -z $started ]]; then
  echo "$suite: giving up: the server never answered GET /health" >&2
  exit 1
fi
echo "$suite: publius serving $url (data in $tmp/data)"

# Suites that need operator set-up (an admin account) run the binary's admin commands on
# the same data directory; they work while the server runs.
status=0
PUBLIUS_URL=$url PUBLIUS_BINARY=$binary PUBLIUS_DATA_DIR=$tmp/data \
  node --test "$@" ./*.test.mjs || status=$?
exit "$status"
