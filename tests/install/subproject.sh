#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# hypernodes as a subproject: a parent project (tests/install/parent) with the source tree linked
# as subprojects/hypernodes builds just the library (no tests, examples, benchmarks or hn
# command of ours), links its program to it, and its `meson test` runs only its own test.
# Usage: subproject.sh SRCDIR
set -euo pipefail

src=$(cd "$1" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hn-subproject.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cp -r "$src/tests/install/parent" "$tmp/parent"
mkdir -p "$tmp/parent/subprojects"
ln -s "$src" "$tmp/parent/subprojects/hypernodes"

cd "$tmp/parent"
meson setup -Dhypernodes:vapi=false _build > "$tmp/setup.log" || { cat "$tmp/setup.log"; exit 1; }
meson compile -C _build > "$tmp/compile.log" || { cat "$tmp/compile.log"; exit 1; }

# Only the library (and its introspection data) was built.
meson introspect --targets _build > "$tmp/targets.json"
python3 - "$tmp/targets.json" <<'PY'
import json, sys
targets = {t["name"] for t in json.load(open(sys.argv[1])) if t["subproject"] == "hypernodes"}
built = {t for t in targets if not t.endswith(("-pot", "-gmo", "-update-po"))}
unexpected = {t for t in built if t.startswith(("test-", "hn-test", "hn-hello", "hn-bench",
                                                "hn-daft", "hn-not", "hn-dependent",
                                                "hn-duplicate"))
              or t in ("hn", "hn-python")}
assert not unexpected, f"a subproject build has: {sorted(unexpected)}"
assert "hypernodes-1" in built, sorted(built)
PY

# meson test lists the parent's test alone.
meson test -C _build --no-rebuild --list > "$tmp/tests.txt" 2>/dev/null
if [ "$(grep -cv '^$' "$tmp/tests.txt")" -ne 1 ] || ! grep -qx 'parent' "$tmp/tests.txt"; then
  echo "the parent's meson test lists more than its own test:" >&2
  cat "$tmp/tests.txt" >&2
  exit 1
fi
meson test -C _build --print-errorlogs > "$tmp/test.log" || { cat "$tmp/test.log"; exit 1; }
grep -q '^Ok: *1 *$' "$tmp/test.log"

# The program links to the subproject's library, not to a copy installed elsewhere.
ldd _build/parent | grep libhypernodes-1 | grep -F "$tmp/parent/_build/subprojects/hypernodes/" >/dev/null ||
  { echo "parent does not link the subproject's library:" >&2; ldd _build/parent >&2; exit 1; }
_build/parent
echo "subproject: ok"
