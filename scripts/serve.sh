#!/usr/bin/env bash
# Installs what Publius needs, builds it and runs it on its embedded default:
# SQLite in one data directory (./data), listening on 127.0.0.1:8080.
# Extra arguments go to `publius serve` (see `build/publius serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Only the server: the test suite and the benchmarks need packages that only
# `install-deps.sh --test` installs.
scripts/build.sh -DPUBLIUS_BUILD_TESTS=OFF -DPUBLIUS_BUILD_BENCH=OFF
exec build/publius serve --data-dir "${PUBLIUS_DATA_DIR:-data}" --listen "${PUBLIUS_LISTEN:-127.0.0.1:8080}" \
  --domain "${PUBLIUS_DOMAIN:-localhost:8080}" --public-url "${PUBLIUS_PUBLIC_URL:-http://localhost:8080}" "$@"
