#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds a locale tree OUTDIR/LANG/LC_MESSAGES/DOMAIN.mo from PODIR/LANG.po for each LANG.
# Usage: build-locale.sh OUTDIR DOMAIN PODIR LANG...
set -eu
out=$1 domain=$2 podir=$3
shift 3
rm -rf "$out"
mkdir -p "$out"
for lang in "$@"; do
  mkdir -p "$out/$lang/LC_MESSAGES"
  msgfmt --check -o "$out/$lang/LC_MESSAGES/$domain.mo" "$podir/$lang.po"
done
