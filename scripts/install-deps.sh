#!/usr/bin/env bash
# Installs the Debian 12 packages Publius builds and tests with. Idempotent:
# packages already present are left alone, so repeated runs cost one dpkg query.
# Usage: scripts/install-deps.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libsodium-dev libsqlite3-dev libspdlog-dev libcli11-dev libutf8proc-dev libvips-dev
  libssl-dev libcurl4-openssl-dev libgumbo-dev libjemalloc-dev)
if [[ ${1:-} == --test ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev)
  # Checks written in Python (tests/scripts/).
  packages+=(python3)
  # scripts/tidy.sh (clang-tidy 14 and its run-clang-tidy driver).
  packages+=(clang-tidy)
  # The web UI's end-to-end tests drive Debian's Chromium with playwright-core.
  packages+=(chromium)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
