#!/usr/bin/env bash
# Download counts and charts at 1x, 10x and 100x history (100,000 to 10 M download events): the
# median time of each counting path and its growth per 10x. Usage: bench/stats-scale.sh
# [sqlite|postgresql] [scales, e.g. 1,10,100]. Prints Markdown and keeps it in
# bench/results/<UTC>-stats-scale-<mode>.md.
set -euo pipefail
. "$(dirname "$0")/java-main.sh"
run_main "stats-scale-${1:-sqlite}" dev.depot.bench.StatsScaleBench "${1:-sqlite}" "${2:-1,10,100}"
