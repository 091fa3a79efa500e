#!/usr/bin/env bash
# Installs what is missing (Debian packages, and the engines in the project virtualenv .venv),
# builds hypernodes and runs the main example.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/setup-venv.sh requirements/engines.txt
scripts/build.sh
echo
echo "== examples/hello.c =="
_build/examples/hn-hello
