#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run-fuzzer.sh HARNESS WORKDIR SECONDS CORPUS...
#   SECONDS > 0: fuzzes for that long, from the corpora given; new inputs go to WORKDIR/corpus,
#                crashes to WORKDIR/artifacts (add them to tests/fuzz/regressions/ to keep them).
#   SECONDS = 0: runs every input of the corpora once (the regression replay).
set -eu
harness=$1 work=$2 seconds=$3
shift 3
mkdir -p "$work/corpus" "$work/artifacts"
# absolute paths: a harness may change directory (fuzz-module works in a sandbox)
work=$(cd "$work" && pwd)
# a regression directory exists once it holds an input
for dir in "$@"; do
  shift
  if [ -d "$dir" ]; then set -- "$@" "$(cd "$dir" && pwd)"; fi
done
if [ "$seconds" -eq 0 ]; then
  files=$(find "$@" -type f ! -name '.*' | sort)
  # shellcheck disable=SC2086
  exec "$harness" -artifact_prefix="$work/artifacts/" $files
fi
exec "$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$@"
