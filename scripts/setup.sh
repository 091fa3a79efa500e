#!/usr/bin/env bash
# Installs what is missing, builds hypernodes and runs the main example.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh
echo
echo "== examples/hello.c =="
_build/examples/hn-hello
