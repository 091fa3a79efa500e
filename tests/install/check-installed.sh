#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A real `meson install` of BUILDDIR (configured with the default prefix /usr/local), then the
# installed copy used the way a user would, with no environment variables: the C example built
# with pkg-config, /usr/bin/python3 importing hypernodes (and its German messages), gjs finding
# the typelib, valac finding the VAPI, the hn command on PATH. Uninstalls again at the end, so
# the machine is left as it was. Needs root; meant for CI (scripts/test.sh runs it when CI=true).
# Usage: check-installed.sh SRCDIR BUILDDIR
set -euo pipefail

src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "check-installed.sh installs into /usr/local: run it as root" >&2
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hn-installed.XXXXXX")
pydir=$(/usr/bin/python3 "$src/build-aux/python-site-dir.py" /usr/local)
uninstall() {
  ninja -C "$build" uninstall > "$tmp/uninstall.log" 2>&1 || cat "$tmp/uninstall.log" >&2
  # byte code Python wrote next to the package (e.g. pip's, or an import as root)
  if [ -n "$pydir" ]; then
    find "$pydir/hypernodes" -name '*.pyc' -delete 2>/dev/null || true
    find "$pydir/gi/overrides" -name 'Hn.*.pyc' -delete 2>/dev/null || true
    find "$pydir/hypernodes" "$pydir/gi" -depth -type d -empty -delete 2>/dev/null || true
  fi
  ldconfig
  rm -rf "$tmp"
}
trap uninstall EXIT

meson install -C "$build" --no-rebuild --quiet
mkdir -p "$tmp/home"
clean=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$tmp/home" LANG=C.UTF-8
       PYTHONDONTWRITEBYTECODE=1)
cd "$tmp"

echo "== C: examples/hello.c with pkg-config"
# shellcheck disable=SC2046
"${clean[@]}" cc -o hello "$src/examples/hello.c" $("${clean[@]}" pkg-config --cflags --libs hypernodes-1)
"${clean[@]}" ./hello
# grep reads all of ldd's output: with pipefail, grep -q could end the pipeline with ldd's
# SIGPIPE and a failure although the line was there
ldd ./hello | grep '/usr/local/lib/.*libhypernodes-1.so.0' >/dev/null ||
  { echo "hello does not use the installed library" >&2; ldd ./hello >&2; exit 1; }

echo "== Python: /usr/bin/python3"
"${clean[@]}" /usr/bin/python3 "$src/tests/install/check_python.py" \
  system /usr/local
"${clean[@]}" /usr/bin/python3 -c 'import hypernodes; from hypernodes import node, Pipeline'

echo "== JavaScript: gjs"
"${clean[@]}" gjs "$src/examples/gjs/hello.js"
# JavaScript nodes on the thread pool and async executors, through the installed imports.hypernodes
"${clean[@]}" gjs "$src/examples/gjs/executors.js"

echo "== Vala: valac --pkg hypernodes-1"
# valac drops the const of the C API's arrays (see README.md): the C compiler's warnings are off
"${clean[@]}" valac --pkg hypernodes-1 --pkg gio-2.0 -X -w -o hello-vala \
  "$src/examples/vala/hello.vala"
"${clean[@]}" ./hello-vala

echo "== the hn command"
[ "$("${clean[@]}" sh -c 'command -v hn')" = /usr/local/bin/hn ]
"${clean[@]}" hn --help > hn-help.txt
grep -q '^  run ' hn-help.txt
"${clean[@]}" hn --version | grep '^hn ' >/dev/null
# the man page is installed where man looks
[ -f /usr/local/share/man/man1/hn.1 ]

echo "installed copy: ok"
