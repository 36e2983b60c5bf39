#!/usr/bin/env bash
# Configures and builds Publius (Ninja). Uses ccache when it is installed.
#   scripts/build.sh [CMAKE_ARGS...]             Release build in build/
#   scripts/build.sh --sanitize [CMAKE_ARGS...]  build-asan/: AddressSanitizer and UBSan
#       (PUBLIUS_SANITIZE), a Debug build so assertions are checked, without the benchmarks
# Extra arguments go to cmake (e.g. -DPUBLIUS_WERROR=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
config=(-B build -DCMAKE_BUILD_TYPE=Release)
if [[ ${1:-} == --sanitize ]]; then
  shift
  config=(-B build-asan -DCMAKE_BUILD_TYPE=Debug -DPUBLIUS_SANITIZE=address,undefined
    -DPUBLIUS_BUILD_BENCH=OFF)
fi
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -G Ninja "${config[@]}" "${launcher[@]}" "$@" >/dev/null
cmake --build "${config[1]}"
