#!/usr/bin/env bash
# Creates the project virtualenv .venv from the system Python (so it sees Debian's python3-gi)
# and installs the Python packages named in requirements/*.txt (engines, benchmark peers).
# Usage: scripts/setup-venv.sh [REQUIREMENTS...]   (default: all files in requirements/)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-venv
fi

if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv
fi

files=("$@")
if [ "${#files[@]}" -eq 0 ]; then
  files=(requirements/*.txt)
fi
for f in "${files[@]}"; do
  .venv/bin/pip install -q --disable-pip-version-check -r "$f"
done
