# Sourced by ./depot and bench/run.sh: the JVM options Depot runs with, in the array DEPOT_JVM_OPTS.
# Usage: depot_jvm_opts JAR COMMAND [ARGS...]
#
# Class data kept beside the jar cuts a start by about 40% (2.6 s to 1.5 s to the first answer on
# 2 cores): on JDK 25+ an ahead-of-time cache (JEP 483/514: classes loaded and linked, with
# profiles), on older JDKs a dynamic class-data-sharing archive. One `serve` of a jar records it
# and writes it when that server stops (the AOT cache takes ~5 s to write); every later command
# of that jar uses it. Only one process records: it claims the recording by creating the
# directory JAR.cache-recording (atomic, whoever comes second runs without the cache), and a claim
# older than a day without a cache (its recorder was killed) is taken over. `serve --help` and
# `--version` record nothing. A cache that does not fit (another JDK) is ignored, silently.

depot_jvm_opts() {
  local jar="$1" command="${2:-}" major arg
  shift || true
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
  DEPOT_JVM_OPTS=(--enable-native-access=ALL-UNNAMED -Xlog:cds=off)
  # Memory: G1 starts small, sizes its marking stack for this heap rather than for the machine
  # (32 MiB of 39 on 2 cores; it grows when it must), and once a server has gone 10 s without a
  # collection it collects fully and shrinks to 40 % free, giving back what a burst took (the
  # indexes made at start, a large upload). A busy server collects anyway and never pays it; an
  # idle one pays a pause of a few ms on a live heap of ~20 MB. Measured on the 100x data set,
  # RSS 40 s after a start: 924 MB with none of these, 231 MB with a concurrent periodic
  # collection, 168 MB with this one.
  DEPOT_JVM_OPTS+=(-XX:+UseG1GC -Xms8m -XX:MarkStackSize=256k -XX:G1PeriodicGCInterval=10000
    -XX:-G1PeriodicGCInvokesConcurrent -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=40)
  if [ -n "$major" ] && [ "$major" -ge 25 ]; then
    DEPOT_JVM_OPTS+=(-XX:+UseCompactObjectHeaders)  # JEP 519: 8-byte headers, about a tenth less heap
  fi
  if [ "${DEPOT_CLASS_CACHE:-on}" = off ]; then
    return 0
  fi
  local cache="$jar.jsa"
  if [ -n "$major" ] && [ "$major" -ge 25 ]; then
    DEPOT_JVM_OPTS+=(-Xlog:aot=off)  # the tag is new in JDK 24; older JDKs refuse it
    cache="$jar.aot"
  fi
  if [ -f "$cache" ]; then
    if [ "$cache" = "$jar.aot" ]; then
      DEPOT_JVM_OPTS+=("-XX:AOTCache=$cache")
    else
      DEPOT_JVM_OPTS+=("-XX:SharedArchiveFile=$cache")
    fi
    return 0
  fi
  [ "$command" = serve ] || return 0
  for arg in "$@"; do
    case "$arg" in -h|--help|-V|--version) return 0 ;; esac
  done
  local claim="$jar.cache-recording"
  find "$claim" -maxdepth 0 -mmin +1440 -exec rmdir {} \; 2>/dev/null || true
  mkdir "$claim" 2>/dev/null || return 0  # another process is recording: run without the cache
  if [ "$cache" = "$jar.aot" ]; then
    DEPOT_JVM_OPTS+=("-XX:AOTCacheOutput=$cache")
  else
    DEPOT_JVM_OPTS+=("-XX:SharedArchiveFile=$cache" -XX:+AutoCreateSharedArchive)
  fi
}
