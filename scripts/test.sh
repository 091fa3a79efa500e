#!/usr/bin/env bash
# Builds hypernodes and runs every test suite, then the unit tests again under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh
meson test -C _build --print-errorlogs
meson test -C _build --print-errorlogs --setup valgrind --suite unit
