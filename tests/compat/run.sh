#!/usr/bin/env bash
# Client-compatibility suite: drives a fresh Publius with the real masto.js client (pinned in
# package.json) through Node's built-in test runner.
# Usage: tests/compat/run.sh PATH_TO_PUBLIUS_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# push.test.mjs plays the push service on 127.0.0.1, which the server posts to only when told.
PUBLIUS_SUITE_SERVE_FLAGS=--push-to-loopback-http \
  exec "$here/../support/node_suite.sh" "$here" "$1" --test-timeout=60000
