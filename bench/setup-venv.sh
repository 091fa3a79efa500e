#!/usr/bin/env bash
# Makes .venv-bench, the virtualenv of the peer libraries bench/peers.py compares against:
# pipefunc, Apache Hamilton, and upstream hypernodes (a separate virtualenv, since upstream
# hypernodes has the same import name as this project's Python package). Upstream hypernodes
# declares Python 3.12 but installs and runs on 3.11, hence --ignore-requires-python.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv-bench/bin/python ]; then
  /usr/bin/python3 -m venv .venv-bench
fi
.venv-bench/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
.venv-bench/bin/pip install -q --disable-pip-version-check --no-deps --ignore-requires-python \
  hypernodes
