# SPDX-License-Identifier: LGPL-2.1-or-later
"""Prints the site-packages directory under PREFIX that this Python searches, or nothing."""

import os
import site
import sys

prefix = os.path.normpath(sys.argv[1])
# getsitepackages() lists directories that do not exist yet (sys.path drops them).
for path in site.getsitepackages() + sys.path:
    rel = os.path.relpath(path, prefix)
    if rel.startswith("lib") and os.path.basename(path) in ("dist-packages", "site-packages"):
        print(path)
        break
