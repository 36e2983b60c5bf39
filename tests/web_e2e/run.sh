#!/usr/bin/env bash
# Web UI end-to-end suite: drives a fresh Publius's web pages with playwright-core (pinned in
# package.json) and Debian's Chromium (/usr/bin/chromium) through Node's built-in test runner.
# Screenshots of the main pages land in BINARY_DIR/screenshots (override with PUBLIUS_SCREENSHOTS).
# Usage: tests/web_e2e/run.sh PATH_TO_PUBLIUS_BINARY
set -euo pipefail
if [[ ! -x /usr/bin/chromium ]]; then
  echo "web-e2e: /usr/bin/chromium is missing (scripts/install-deps.sh --test installs it)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
binary_dir=$(cd "$(dirname "$1")" && pwd)
export PUBLIUS_SCREENSHOTS=${PUBLIUS_SCREENSHOTS:-$binary_dir/screenshots}
mkdir -p "$PUBLIUS_SCREENSHOTS"
# The landing page shows the operator's rules (serve --rules-file, read from the environment).
export PUBLIUS_RULES_FILE="$here/rules.txt"
echo "web-e2e: screenshots go to $PUBLIUS_SCREENSHOTS"
exec "$here/../support/node_suite.sh" "$here" "$1" --test-concurrency=1 --test-timeout=120000
