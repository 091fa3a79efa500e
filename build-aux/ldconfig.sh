#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# meson install script: refreshes the dynamic linker's cache after a real install as root, so
# programs find a library installed in a directory of /etc/ld.so.conf (e.g. /usr/local/lib/<triplet>)
# by its soname. Nothing to do for a DESTDIR (staged) install or a user install.
if [ -z "${DESTDIR:-}" ] && [ "$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null 2>&1; then
  echo "Running ldconfig for $1"
  ldconfig
fi
