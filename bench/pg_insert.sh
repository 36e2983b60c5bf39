#!/usr/bin/env bash
# The reference for durable writes: PostgreSQL's one-row INSERT transactions per
# second from CLIENTS pgbench clients (8 by default) with its default durability
# (fsync on, synchronous_commit on), each INSERT its own transaction, into a table
# shaped like a post. The cluster is a throwaway one made with initdb in a
# temporary directory under TMPDIR, the same disk bench/http_load.sh puts Publius's
# data on; it listens on a Unix socket only and is removed at the end.
# PostgreSQL refuses to run as root: run as root, the script runs the server as
# `nobody`. Prints "tps N".
# Usage: bench/pg_insert.sh [DURATION_SECONDS] [CLIENTS]
set -euo pipefail
duration=${1:-10}
clients=${2:-8}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z $bin || ! -x $bin/initdb ]]; then
  echo "pg_insert: PostgreSQL is missing (apt-get install postgresql)" >&2
  exit 1
fi
work=$(mktemp -d)
chmod 755 "$work"
as_server() {  # runs the server's commands as an unprivileged user when we are root
  if [[ $(id -u) == 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}
[[ $(id -u) == 0 ]] && chown nobody "$work"
cleanup() {
  as_server "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_server "$bin/initdb" -D "$work/data" -U bench --auth=trust -E UTF8 >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log" >&2; exit 1; }
as_server "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses='' -k $work" start >/dev/null ||
  { cat "$work/server.log" >&2; exit 1; }
psql() { "$bin/psql" -h "$work" -U bench -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql -c "CREATE TABLE posts (id bigserial PRIMARY KEY, account_id bigint NOT NULL,
                             text text NOT NULL, created_at timestamptz NOT NULL)"
# Say what durability was measured, rather than assume the defaults.
echo "pg_insert: PostgreSQL $(psql -c 'SHOW server_version'), fsync=$(psql -c 'SHOW fsync')," \
  "synchronous_commit=$(psql -c 'SHOW synchronous_commit')," \
  "wal_sync_method=$(psql -c 'SHOW wal_sync_method')" >&2
cat >"$work/insert.sql" <<'SQL'
\set account random(1, 200000)
INSERT INTO posts (account_id, text, created_at)
  VALUES (:account, 'benchmark post about #immigration policy, see https://example.org/report', now());
SQL
"$bin/pgbench" -h "$work" -U bench -n -c "$clients" -j 2 -T "$duration" -f "$work/insert.sql" \
  postgres >"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out" >&2; exit 1; }
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.out" | head -n 1)
[[ -n $tps ]] || { cat "$work/pgbench.out" >&2; exit 1; }
echo "tps $tps"
