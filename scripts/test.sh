#!/usr/bin/env bash
# Builds hypernodes with its API reference and runs every test suite (unit, python, examples,
# doc, install, engines with the real Daft and Ray), then the unit tests under valgrind,
# ThreadSanitizer and AddressSanitizer with UndefinedBehaviorSanitizer, then the libFuzzer
# harnesses (about a minute, in a clang build); in CI (as root on a throwaway machine) last a
# real install to /usr/local, used from C, Python, gjs and Vala, and uninstalled again.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/setup-venv.sh requirements/engines.txt
scripts/build.sh
# The API reference and the guides (gi-docgen, warnings are errors)
meson configure _build -Ddocumentation=true
meson compile -C _build
meson test -C _build --print-errorlogs
meson test -C _build --print-errorlogs --setup valgrind --suite unit

if [ ! -f _build-tsan/build.ninja ]; then
  meson setup _build-tsan -Db_sanitize=thread -Db_lundef=false \
    -Dintrospection=false -Dvapi=false -Dpython=disabled
fi
meson compile -C _build-tsan
meson test -C _build-tsan --print-errorlogs --setup tsan --suite unit

if [ ! -f _build-asan/build.ninja ]; then
  meson setup _build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    -Dintrospection=false -Dvapi=false -Dpython=disabled
fi
meson compile -C _build-asan
meson test -C _build-asan --print-errorlogs --setup asan --suite unit

if [ ! -f _build-fuzz/build.ninja ]; then
  CC=clang meson setup _build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dintrospection=false -Dvapi=false -Dpython=disabled
fi
meson compile -C _build-fuzz
meson test -C _build-fuzz --print-errorlogs --suite fuzz

if [ "${CI:-}" = true ] && [ "$(id -u)" -eq 0 ]; then
  tests/install/check-installed.sh . _build
fi
