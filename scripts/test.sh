#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, then runs the GoogleTest
# suite (unit and integration tests, through ctest) in the Release build and again under
# the sanitizers, clang-tidy over src/, and the client-compatibility
# suite with the real masto.js client, the web UI's browser suite (playwright-core and
# Chromium) and the federation interop suite (a Fedify peer), each against a freshly started
# server.
set -euo pipefail
cd "$(dirname "$0")/.."
# Runs one step and says how long it took: CI must stay well inside its time.
step() {
  local started=$SECONDS
  "$@"
  echo "test.sh: '$*' took $((SECONDS - started)) s (total $SECONDS s)" >&2
}
step scripts/install-deps.sh --test
step scripts/build.sh -DPUBLIUS_WERROR=ON -DPUBLIUS_BUILD_TESTS=ON -DPUBLIUS_BUILD_BENCH=ON
step bash -c 'cd build && ctest --output-on-failure -j2'
# The same suite under AddressSanitizer and UBSan, then clang-tidy (docs/checks.md).
step scripts/test-sanitized.sh
step scripts/tidy.sh
if [[ -f tests/compat/package.json ]]; then
  step tests/compat/run.sh build/publius
fi
if [[ -f tests/web_e2e/package.json ]]; then
  step tests/web_e2e/run.sh build/publius
fi
if [[ -f tests/federation_interop/package.json ]]; then
  step tests/federation_interop/run.sh build/publius
fi
