#!/usr/bin/env bash
# The paths whose cost could grow with history (the update check, device and home pages, the
# device list, app build listings, repository and F-Droid indexes, counts and charts) at 1x, 10x
# and 100x of it, with the growth per 10x; on SQLite, then `./depot serve` on the largest data
# directory (launch to first 200, idle RSS).
# Usage: bench/scale.sh [sqlite|postgresql] [scales, e.g. 1,10,100] [no-events]
# (no-events: without the 10 M download events, for quick runs; SCALE_KEEP=1 keeps the data
# directory and prints where). Prints Markdown and keeps it in
# bench/results/<UTC>-scale-<mode>.md.
set -euo pipefail
. "$(dirname "$0")/java-main.sh"
export SCALE_DEPOT="$root/depot"
run_main "scale-${1:-sqlite}" dev.depot.bench.ScaleBench "${1:-sqlite}" "${2:-1,10,100}" ${3:+"$3"}
