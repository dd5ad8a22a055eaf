#!/usr/bin/env bash
# JMH microbenchmarks of the hot paths: manifest parsing, SHA-256 + MD5, feed zip writing, updater
# JSON rendering (the *Bench classes with @Benchmark methods under src/test/java).
# Usage: bench/jmh.sh [JMH REGEX] [JMH OPTIONS...]   e.g. bench/jmh.sh Hashing -f 2
# Writes bench/results/<UTC time>-jmh.md and the JMH section of docs/performance.md (full runs only).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
filter="${1:-Bench\\.}"; shift || true
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# short but honest runs: 1 fork, 3 warm-up and 5 measured iterations of 1 s
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    org.openjdk.jmh.Main "$filter" -f 1 -wi 3 -w 1s -i 5 -r 1s -rf csv -rff "$out" "$@" >&2
stamp=$(date -u +%Y-%m-%dT%H%MZ)
mkdir -p bench/results
table=$(python3 - "$out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| benchmark | parameters | score | error (99.9%) | unit |")
print("| --- | --- | --- | --- | --- |")
for r in rows:
    params = ", ".join(f"{k[len('Param: '):]}={v}" for k, v in r.items() if k.startswith("Param: ") and v)
    name = r["Benchmark"].rsplit(".", 2)
    unit = r["Unit"].replace("ops/s", "MiB/s" if "Hashing" in r["Benchmark"] else "ops/s")
    print(f"| {name[-2]}.{name[-1]} | {params} | {float(r['Score']):,.1f} | {float(r['Score Error (99.9%)']):,.1f} | {unit} |")
PY
)
machine="$(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), JMH 1.37: 1 fork, 3 x 1 s warm-up, 5 x 1 s measured"
printf '# bench/jmh.sh %s\n\nMachine: %s.\n\n%s\n' "$stamp" "$machine" "$table" > "bench/results/$stamp-jmh.md"
echo "$table"
if [ "$filter" = 'Bench\.' ] && [ $# -eq 0 ]; then
  python3 bench/doc_section.py jmh docs/performance.md "bench/results/$stamp-jmh.md"
fi
echo "bench: wrote bench/results/$stamp-jmh.md" >&2
