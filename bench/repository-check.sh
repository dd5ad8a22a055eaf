#!/usr/bin/env bash
# The Aptoide update check against a repository with N revisions (default 100,000), through the
# service and over HTTP, on the embedded default (SQLite). Prints a Markdown table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
    dev.depot.bench.RepositoryCheckBench "${1:-100000}"
