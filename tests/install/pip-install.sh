#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pip install of hypernodes-glib into throwaway virtualenvs made from Debian's Python:
#  1. `pip install SRCDIR[daft]` (a checkout) as a user would, pip fetching meson-python, meson
#     and ninja from the package index into its isolated build environment, in a venv that sees
#     Debian's PyGObject (--system-site-packages);
#  2. the same in a plain venv (python3 -m venv, as most users make one): pip builds PyGObject,
#     the package's dependency, from source;
#  3. an sdist of a clean copy of the checkout's HEAD (meson-python installed in the venv), a
#     wheel built from that sdist without build isolation, and the wheel installed into a venv
#     that has no build tools, and into a plain venv with its dependencies;
# each copy then checked with tests/install/check_python.py and the README's Python example
# (tests/install/readme_example.py), with no environment variables.
# Usage: pip-install.sh SRCDIR
set -euo pipefail

src=$(cd "$1" && pwd)
python=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hn-pip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

clean_env=(env -i PATH=/usr/bin:/bin HOME="$tmp/home" LANG=C.UTF-8)
pip_opts=(--disable-pip-version-check --no-input --timeout 60 --retries 3 -q)
mkdir -p "$tmp/home"

step() { echo "== $*"; }

# The checks of an installed copy: no environment variables, not in the checkout.
check() {
  (cd "$tmp" && "${clean_env[@]}" "$1/bin/python" "$src/tests/install/check_python.py" bundled)
  (cd "$tmp" && "${clean_env[@]}" "$1/bin/python" "$src/tests/install/readme_example.py" \
     "$src/README.md")
}

step "pip install $src[daft] (a venv that sees Debian's PyGObject)"
$python -m venv --system-site-packages "$tmp/build-venv"
timeout 600 "$tmp/build-venv/bin/pip" install "${pip_opts[@]}" \
  --config-settings=build-dir="$tmp/build-checkout" "$src[daft]"
"$tmp/build-venv/bin/pip" show hypernodes-glib > "$tmp/show.txt"
grep -q '^Name: hypernodes-glib$' "$tmp/show.txt"
check "$tmp/build-venv"

step "pip install $src[daft] (a plain venv: PyGObject built from source)"
$python -m venv "$tmp/plain-venv"
timeout 900 "$tmp/plain-venv/bin/pip" install "${pip_opts[@]}" \
  --config-settings=build-dir="$tmp/build-plain" "$src[daft]"
"${clean_env[@]}" "$tmp/plain-venv/bin/python" -c \
  'import gi, sys; assert "dist-packages" not in gi.__file__, gi.__file__'
check "$tmp/plain-venv"
"$tmp/plain-venv/bin/pip" uninstall "${pip_opts[@]}" -y hypernodes-glib
rm -rf "$tmp/build-plain"

# The extras name the engines.
"${clean_env[@]}" "$tmp/build-venv/bin/python" - <<'PY'
from importlib.metadata import metadata
extras = set(metadata("hypernodes-glib").get_all("Provides-Extra"))
assert {"daft", "dask", "ray"} <= extras, extras
PY

step "sdist of a clean copy of HEAD"
timeout 300 "$tmp/build-venv/bin/pip" install "${pip_opts[@]}" meson-python meson ninja
git clone -q --no-local "$src" "$tmp/clean"
(cd "$tmp/clean" && timeout 300 "$tmp/build-venv/bin/python" -c \
  'import mesonpy, sys; print(mesonpy.build_sdist(sys.argv[1]))' "$tmp/dist")
sdist=$(ls "$tmp"/dist/hypernodes_glib-*.tar.gz)
tar -tzf "$sdist" > "$tmp/sdist.txt"
grep -q '/pyproject.toml$' "$tmp/sdist.txt"
grep -q '/po/de.po$' "$tmp/sdist.txt"

step "wheel from the sdist"
timeout 600 "$tmp/build-venv/bin/pip" wheel "${pip_opts[@]}" --no-build-isolation --no-deps \
  --config-settings=build-dir="$tmp/build-sdist" -w "$tmp/dist" "$sdist"
wheel=$(ls "$tmp"/dist/hypernodes_glib-*.whl)
case "$wheel" in *-linux_*.whl) ;; *) echo "not a platform wheel: $wheel" >&2; exit 1 ;; esac
"$python" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for need in ["hypernodes/__init__.py", "gi/overrides/Hn.py", "hypernodes/_lib/libhypernodes-1.so",
             "hypernodes/_lib/hn-python.so", "hypernodes/_lib/girepository-1.0/Hn-1.typelib",
             "hypernodes/_lib/locale/de/LC_MESSAGES/hypernodes-1.mo"]:
    assert need in names, f"{need} not in the wheel"
assert not any(n.startswith("gi/__init__") or n.startswith("gi/overrides/__init__")
               for n in names), "the wheel must not shadow PyGObject's gi package"
PY

step "the wheel in a virtualenv with no build tools"
# Nothing of the builds left to lean on: the catalogs, for one, are looked up where the wheel is.
"$tmp/build-venv/bin/pip" uninstall "${pip_opts[@]}" -y hypernodes-glib
rm -rf "$tmp/build-checkout" "$tmp/build-sdist" "$tmp/clean"
$python -m venv --system-site-packages "$tmp/run-venv"
"$tmp/run-venv/bin/pip" install "${pip_opts[@]}" --no-index --no-deps "$wheel"
(cd "$tmp" && "${clean_env[@]}" "$tmp/run-venv/bin/python" "$src/tests/install/check_python.py" bundled)

step "the wheel in a plain venv, with its dependencies"
# The plain venv of the checkout has PyGObject and Daft already: the wheel alone is new.
"$tmp/plain-venv/bin/pip" install "${pip_opts[@]}" "$wheel[daft]"
check "$tmp/plain-venv"

echo "pip install: ok"
