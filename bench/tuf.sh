#!/usr/bin/env bash
# The TUF repository over many targets: metadata sizes, the first signing, the time from a change
# to its signed metadata, and the periodic check's cost. Usage: bench/tuf.sh [sqlite|postgresql]
# [targets] [devices]. Prints Markdown and keeps it in bench/results/<UTC>-tuf-<mode>-<targets>-<devices>.md.
set -euo pipefail
. "$(dirname "$0")/java-main.sh"
run_main "tuf-${1:-sqlite}-${2:-10000}-${3:-100}" dev.depot.bench.TufBench "${1:-sqlite}" "${2:-10000}" "${3:-100}"
