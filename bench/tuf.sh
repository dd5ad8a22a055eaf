#!/usr/bin/env bash
# The TUF repository over many targets: metadata sizes, the first signing, the time from a change
# to its signed metadata, and the periodic check's cost. Usage: bench/tuf.sh [sqlite|postgresql]
# [targets] [devices]. Prints Markdown and keeps it in bench/results/<UTC>-tuf-<mode>.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"
mode=${1:-sqlite}
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-tuf-$mode-${2:-10000}-${3:-100}.md"
DEPOT_LOG_LEVEL=WARN "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
    dev.depot.bench.TufBench "$mode" "${2:-10000}" "${3:-100}" | grep -v "^[0-9-]*T[0-9:.]*Z " | tee "$out"
