#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `meson install` of a build into a DESTDIR: every file where it belongs, the directories the
# system searches (for the default prefix /usr/local), and the staged copy working from C (via
# pkg-config) and from Python, in German too.
# Usage: destdir.sh SRCDIR BUILDDIR PREFIX LIBDIR INCLUDEDIR DATADIR BINDIR TYPELIBDIR PYTHONDIR
#                   MODULEDIR LOCALEDIR CLI PYTHON INTROSPECTION VAPI   (the last four true|false)
set -euo pipefail

src=$1 build=$2 prefix=$3 libdir=$4 includedir=$5 datadir=$6 bindir=$7 typelibdir=$8
pydir=$9 moduledir=${10} localedir=${11} cli=${12} python=${13} gir=${14} vapi=${15}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hn-destdir.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
need() { [ -e "$dest$1" ] || fail "not installed: $1"; }

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" > "$tmp/install.log"

need "$libdir/libhypernodes-1.so.0"
need "$libdir/libhypernodes-1.so"
need "$libdir/pkgconfig/hypernodes-1.pc"
need "$includedir/hypernodes-1/hypernodes/hypernodes.h"
need "$includedir/hypernodes-1/hypernodes/hn-version.h"
need "$includedir/hypernodes-1/hypernodes/executors/hn-daft-executor.h"
need "$localedir/de/LC_MESSAGES/hypernodes-1.mo"
need "$datadir/gjs-1.0/hypernodes.js"
if [ "$gir" = true ]; then
  need "$datadir/gir-1.0/Hn-1.gir"
  need "$typelibdir/Hn-1.typelib"
  grep -q 'shared-library="libhypernodes-1.so.0"' "$dest$datadir/gir-1.0/Hn-1.gir" ||
    fail "the GIR does not name the library by its soname libhypernodes-1.so.0"
fi
if [ "$vapi" = true ]; then need "$datadir/vala/vapi/hypernodes-1.vapi"; fi
if [ "$cli" = true ]; then need "$bindir/hn"; need "$datadir/man/man1/hn.1"; fi
if [ "$python" = true ]; then
  need "$moduledir/hn-python.so"
  need "$pydir/hypernodes/__init__.py"
  need "$pydir/hypernodes/_engines/daft.py"
  need "$pydir/hypernodes/py.typed"
  ls "$dest$pydir"/hypernodes/_native*.so >/dev/null 2>&1 || fail "hypernodes/_native is not installed"
  need "$pydir/gi/overrides/Hn.py"
  [ -e "$dest$pydir/gi/__init__.py" ] && fail "$pydir/gi/__init__.py would shadow PyGObject"
  [ -e "$dest$pydir/hypernodes/_lib" ] && fail "a meson install has no bundled _lib"
fi

# Where the system looks, for the default prefix (Debian 12 paths; see doc/installing.md).
if [ "$prefix" = /usr/local ]; then
  if [ "$gir" = true ]; then
    gjs -c 'print(imports.gi.GIRepository.Repository.get_search_path().join("\n"))' \
      > "$tmp/gi-path" 2>&1
    grep -qxF "$typelibdir" "$tmp/gi-path" ||
      fail "GObject-Introspection does not search $typelibdir"
  fi
  if [ "$python" = true ]; then
    /usr/bin/python3 -c 'import site; print("\n".join(site.getsitepackages()))' > "$tmp/py-path"
    grep -qxF "$pydir" "$tmp/py-path" || fail "/usr/bin/python3 does not search $pydir"
  fi
  # ldconfig -v leaves out directories that do not exist yet: read its configuration
  cat /etc/ld.so.conf /etc/ld.so.conf.d/*.conf 2>/dev/null | sed -n 's|^\(/[^ #]*\).*|\1|p' \
    > "$tmp/ld-path"
  grep -qxF "$libdir" "$tmp/ld-path" || fail "the dynamic linker does not search $libdir"
  # valac looks in $XDG_DATA_DIRS/vala/vapi, /usr/local/share and /usr/share by default
  [ "$datadir" = /usr/local/share ] || fail "the VAPI is not under /usr/local/share"
fi

# The staged copy from C, through its pkg-config file.
export PKG_CONFIG_PATH="$dest$libdir/pkgconfig"
pc_prefix=$(pkg-config --variable=prefix hypernodes-1)
[ "$pc_prefix" = "$prefix" ] || fail "pkg-config prefix $pc_prefix, not $prefix"
# Its -I and -L paths under the prefix also point into the staging directory (as well as where
# they point: with prefix /usr, GLib's are there too).
flags=()
for f in $(pkg-config --cflags --libs hypernodes-1); do
  case "$f" in
    -I"$prefix"/* | -L"$prefix"/*) flags+=("${f:0:2}$dest${f:2}" "$f") ;;
    *) flags+=("$f") ;;
  esac
done
cc -o "$tmp/hello" "$src/examples/hello.c" "${flags[@]}"
LD_LIBRARY_PATH="$dest$libdir" "$tmp/hello" > "$tmp/hello.out" || fail "examples/hello.c failed"
ldd_line=$(LD_LIBRARY_PATH="$dest$libdir" ldd "$tmp/hello" | grep libhypernodes-1 || true)
case "$ldd_line" in *"$dest$libdir/"*) ;; *) fail "hello links $ldd_line" ;; esac

# The staged copy from Python (the package, the override, the bridge), in German too.
if [ "$python" = true ] && [ "$gir" = true ]; then
  (cd "$tmp" && env -i PATH=/usr/bin:/bin PYTHONPATH="$dest$pydir" \
     GI_TYPELIB_PATH="$dest$typelibdir" LD_LIBRARY_PATH="$dest$libdir" \
     HN_PYTHON_MODULE="$dest$moduledir/hn-python.so" PYTHONDONTWRITEBYTECODE=1 \
     /usr/bin/python3 "$src/tests/install/check_python.py" system "$dest$prefix" \
       "$dest$localedir") || fail "the staged Python package"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures install check(s) failed" >&2
  exit 1
fi
echo "meson install --destdir: ok"
