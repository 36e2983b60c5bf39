#!/usr/bin/env python3
"""Every library CMakeLists.txt looks for is a Debian package that scripts/install-deps.sh
installs, in the section the lookup needs: what the server build finds (scripts/serve.sh) in
the base list, what only the tests and benchmarks find in the --test list. A lookup added
without its package breaks README's set-up commands on a fresh machine, which nothing else
here would notice (this machine has every package).

Usage: deps_installed.py SOURCE_DIR"""
import re
import sys
from pathlib import Path

# CMake's name for a dependency -> the Debian 12 package that provides it.
PACKAGE_OF = {
    "Boost": "libboost1.81-dev",
    "PkgConfig": "pkg-config",
    "libsodium": "libsodium-dev",
    "sqlite3": "libsqlite3-dev",
    "libutf8proc": "libutf8proc-dev",
    "vips": "libvips-dev",
    "gumbo": "libgumbo-dev",
    "jemalloc": "libjemalloc-dev",
    "spdlog": "libspdlog-dev",
    "CLI11": "libcli11-dev",
    "Threads": None,  # the C library
    "OpenSSL": "libssl-dev",
    "CURL": "libcurl4-openssl-dev",
    "GTest": "libgtest-dev",
    "benchmark": "libbenchmark-dev",
}
# Blocks of CMakeLists.txt that scripts/serve.sh switches off.
TEST_ONLY_BLOCKS = ("PUBLIUS_BUILD_TESTS", "PUBLIUS_BUILD_BENCH")

root = Path(sys.argv[1])
cmake = (root / "CMakeLists.txt").read_text()
deps = (root / "scripts/install-deps.sh").read_text()
base_list, _, test_part = deps.partition("--test ]]")
serve = (root / "scripts/serve.sh").read_text()

failures = []
for option in TEST_ONLY_BLOCKS:
    if f"-D{option}=OFF" not in serve:
        failures.append(f"scripts/serve.sh does not build with -D{option}=OFF")

# Lookups, with whether they sit inside one of the test-only blocks.
open_blocks = []
for line in cmake.splitlines():
    stripped = line.strip()
    opened = re.match(r"if\s*\((.*)\)", stripped)
    if opened:
        open_blocks.append(opened.group(1).strip())
    elif re.match(r"endif\s*\(", stripped):
        open_blocks.pop()
    found = re.match(r"find_package\((\w+)", stripped) or re.match(
        r"pkg_check_modules\(\w+ REQUIRED IMPORTED_TARGET (\S+)\)", stripped)
    if not found:
        continue
    name = found.group(1)
    if name not in PACKAGE_OF:
        failures.append(f"CMakeLists.txt looks for {name}: add its Debian package to {__file__}")
        continue
    package = PACKAGE_OF[name]
    if package is None:
        continue
    test_only = any(b in TEST_ONLY_BLOCKS for b in open_blocks)
    where = deps if test_only else base_list
    if not re.search(rf"(?<![\w.-]){re.escape(package)}(?![\w.-])", where):
        section = "--test list (or the base list)" if test_only else "base list"
        failures.append(f"{name}: {package} is not in scripts/install-deps.sh's {section}")

for f in failures:
    print(f, file=sys.stderr)
sys.exit(1 if failures else 0)
