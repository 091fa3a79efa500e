#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fails when a source file marks strings for translation but po/POTFILES.in does not list it
# (xgettext would leave its strings out of the catalog).
# Usage: check-potfiles.sh SRCDIR
set -eu
cd "$1"
missing=0
for f in $(grep -rlE '(^|[^A-Za-z0-9_])(N?_|C_|NC_|g_dngettext|ngettext) *\(' \
             --include='*.c' hypernodes tools | sort); do
  if ! grep -qxF "$f" po/POTFILES.in; then
    echo "po/POTFILES.in does not list $f, which has strings marked for translation" >&2
    missing=1
  fi
done
for f in $(grep -v '^#' po/POTFILES.in | grep -v '^$'); do
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist" >&2; missing=1; }
done
exit $missing
