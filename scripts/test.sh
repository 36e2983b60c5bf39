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
# clang-tidy needs only build/compile_commands.json, so it runs beside the test runs: their
# servers leave the cores idle much of the time, and tidy is a third of CI's CPU
# (docs/checks.md). Its findings are printed, and fail the script, once the tests are done.
tidy_log=$(mktemp)
tidy_started=$SECONDS
# At a lower priority than the tests beside it; `timeout` leads a process group of its own
# (stopped whole if this script ends first) and passes tidy's exit status on.
nice -n 10 timeout --kill-after=1m 90m scripts/tidy.sh </dev/null >"$tidy_log" 2>&1 &
tidy_pid=$!
trap 'kill -- -"$tidy_pid" 2>/dev/null || true; rm -f "$tidy_log"' EXIT
step bash -c 'cd build && ctest --output-on-failure -j2'
# The same suite under AddressSanitizer and UBSan (docs/checks.md).
step scripts/test-sanitized.sh
tidy_status=0
wait "$tidy_pid" || tidy_status=$?
trap 'rm -f "$tidy_log"' EXIT
cat "$tidy_log"
echo "test.sh: 'scripts/tidy.sh' (beside the tests) took $((SECONDS - tidy_started)) s (total $SECONDS s)" >&2
((tidy_status == 0)) || { echo "test.sh: clang-tidy found problems" >&2; exit "$tidy_status"; }
if [[ -f tests/compat/package.json ]]; then
  step tests/compat/run.sh build/publius
fi
if [[ -f tests/web_e2e/package.json ]]; then
  step tests/web_e2e/run.sh build/publius
fi
if [[ -f tests/federation_interop/package.json ]]; then
  step tests/federation_interop/run.sh build/publius
fi
