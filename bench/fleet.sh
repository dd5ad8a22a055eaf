#!/usr/bin/env bash
# A fleet of simulated installations against real Depot servers over HTTP: a release staged at
# 10 % then 50 % (the share offered, and that nobody left the rollout), a release failing 30 % of
# its installs (failure reports and seconds until it halts itself), healthy releases (1 % failures
# under a 5 % threshold: how many halt). Usage: bench/fleet.sh [sqlite|postgresql] [installations]
# (postgresql runs two nodes on one embedded PostgreSQL, requests alternating). Prints Markdown and
# keeps it in bench/results/<UTC>-fleet-<mode>.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"
mode=${1:-sqlite}
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-fleet-$mode.md"
DEPOT_LOG_LEVEL=WARN "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
    dev.depot.bench.FleetSimulation "$mode" "${2:-10000}" | grep -v "^[0-9-]*T[0-9:.]*Z " | tee "$out"
