#!/usr/bin/env bash
# Runs clang-tidy with the repository's .clang-tidy over the .cc files under src/, using
# build/compile_commands.json (run scripts/build.sh first). Any finding fails the script.
#   scripts/tidy.sh            every file (what scripts/test.sh, and so CI, runs)
#   scripts/tidy.sh --changed  only the .cc files that differ from main's merge base, with
#                              the .cc files beside any changed header (quicker while iterating)
# Headers are checked through the files that include them (HeaderFilterRegex).
# Cost: about 7 minutes for every file on an idle 2-core machine (docs/checks.md), so CI runs
# them all.
set -euo pipefail
cd "$(dirname "$0")/.."
tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy)
files=()
if [[ ${1:-} == --changed ]]; then
  base=$(git merge-base HEAD main)
  while IFS= read -r path; do
    case "$path" in
      src/*.cc) [[ -f $path ]] && files+=("$PWD/$path") ;;
      src/*.h) for cc in "$(dirname "$path")"/*.cc; do [[ -f $cc ]] && files+=("$PWD/$cc"); done ;;
    esac
  done < <( (git diff --name-only "$base"; git ls-files --others --exclude-standard) | sort -u)
  if ((${#files[@]} == 0)); then
    echo "tidy: no changed source files"
    exit 0
  fi
  mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
else
  files=("$PWD/src/")
fi
# -Wno-restrict (CMakeLists.txt, for GCC 12) is unknown to clang. clang-tidy's chatter
# (counts of warnings in system headers it suppressed) is dropped; findings are kept.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$tidy" -quiet -j 2 -p build -extra-arg=-Wno-unknown-warning-option "${files[@]}" >"$log" 2>&1 ||
  status=$?
grep -v -e '^[0-9]* warnings\? generated\.$' -e '^Suppressed [0-9]* warnings' \
  -e '^Use -header-filter=' -e '^clang-tidy-14 .*-quiet' "$log" || true
exit $status
