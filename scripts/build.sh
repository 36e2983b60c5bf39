#!/usr/bin/env bash
# Configures and builds Publius into build/ (Release, Ninja).
# Extra arguments go to cmake (e.g. -DPUBLIUS_WERROR=ON). Uses ccache when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@" >/dev/null
cmake --build build
