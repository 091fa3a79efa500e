#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Draws the pipeline of the main example (examples/hello.c) for README.md. Needs Graphviz.
# Usage: doc/images/update.sh [BUILDDIR]   (default: _build)
set -eu
cd "$(dirname "$0")/../.."
"${1:-_build}/examples/hn-hello" --dot | dot -Tsvg > doc/images/hello.svg
