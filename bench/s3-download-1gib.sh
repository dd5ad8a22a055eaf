#!/usr/bin/env bash
# A 1 GiB OTA build in S3 (S3Proxy in memory): uploaded through the bucket staging in shippy's
# chunks, then downloaded through Depot, by 302 to a presigned URL, and from the bucket directly.
# Usage: bench/s3-download-1gib.sh [bytes]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
DEPOT_LOG_LEVEL=WARN exec "$JAVA_HOME/bin/java" -Xmx6g --enable-native-access=ALL-UNNAMED \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
    dev.depot.bench.S3DownloadBench "${1:-1073741824}"
