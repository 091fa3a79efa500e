#!/bin/sh
# Runs tests/devenv/pipeline.py (with each PYTHON) and pipeline.js (with GJS) from a directory
# outside the source tree, through `meson devenv` and with nothing else in the environment: the
# environment meson.build registers (hn_build_env) is all a program needs to use the build tree.
#
#   devenv.sh MESON BUILD_DIR SOURCE_DIR GJS|'' PYTHON...
set -eu
meson=$1 build=$2 source=$3 gjs=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$source/tests/devenv/pipeline.py" "$source/tests/devenv/pipeline.js" "$tmp/"

in_devenv() {
  env -i PATH=/usr/bin:/bin HOME="$tmp" "$meson" devenv -C "$build" -w "$tmp" "$@"
}

for python in "$@"; do
  in_devenv "$python" pipeline.py "$build" "$source"
done
if [ -n "$gjs" ]; then
  in_devenv "$gjs" pipeline.js "$build" "$source"
fi
