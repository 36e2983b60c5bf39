#!/usr/bin/env bash
# Federation interop suite: a fresh Publius in loopback-testing mode federates with a small
# ActivityPub peer built on Fedify (pinned in package.json), which each test file starts on
# its own free loopback port, through Node's built-in test runner.
# Usage: tests/federation_interop/run.sh PATH_TO_PUBLIUS_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# Actors at http://127.0.0.1:PORT, fetches to loopback allowed; the domain is that address, so
# acct:NAME@127.0.0.1:PORT names an account the peer can look up.
PUBLIUS_SUITE_SERVE_FLAGS=--federation-loopback-testing PUBLIUS_SUITE_DOMAIN_IS_ADDRESS=1 \
  exec "$here/../support/node_suite.sh" "$here" "$1" --test-timeout=120000
