#!/usr/bin/env bash
# Builds a feed package of N samples (default 100,000) and times building it and fetching it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
    dev.depot.bench.FeedPackageBench "${1:-100000}"
