#!/usr/bin/env bash
# Download counts and charts at 1x, 10x and 100x history (100,000 to 10 M download events): the
# median time of each counting path and its growth per 10x. Usage: bench/stats-scale.sh
# [sqlite|postgresql] [scales, e.g. 1,10,100]. Prints Markdown and keeps it in bench/results/<UTC>-stats-scale-<mode>.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"
mode=${1:-sqlite}
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-stats-scale-$mode.md"
DEPOT_LOG_LEVEL=WARN "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
    dev.depot.bench.StatsScaleBench "$mode" "${2:-1,10,100}" | grep -v "^[0-9-]*T[0-9:.]*Z " | tee "$out"
