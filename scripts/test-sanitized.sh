#!/usr/bin/env bash
# Builds build-asan/ (scripts/build.sh --sanitize: AddressSanitizer, LeakSanitizer and
# UBSan, every finding fatal) and runs the ctest suite there. The tests' own `publius`
# children (PUBLIUS_BINARY) are the sanitized build too and inherit these settings. Every
# report goes to a file in build-asan/sanitizer-reports/ as well as failing its process,
# so a finding in a server a test kills, or in a command a test expects to fail, still
# fails this script.
#
# Cost: about 13 minutes to build and 4 to test on an idle 2-core machine (docs/checks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
reports="$PWD/build-asan/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
scripts/build.sh --sanitize -DPUBLIUS_WERROR=ON "$@"
status=0
(cd build-asan && ctest --output-on-failure -j2) || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  cat "$reports"/* >&2
  status=1
fi
exit $status
