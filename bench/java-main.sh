# Sourced by the bench scripts: run_main NAME CLASS ARGS... compiles the tests, runs the benchmark
# class on the test class path (Markdown on standard output, log lines dropped) and keeps the
# output in bench/results/<UTC>-NAME.md.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-home.sh"
cd "$root"

run_main() {
    local name=$1 class=$2
    shift 2
    ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
    mkdir -p bench/results
    local out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$name.md"
    DEPOT_LOG_LEVEL=WARN "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
        -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
        "$class" "$@" | grep -v "^[0-9-]*T[0-9:.]*Z " | tee "$out"
}
