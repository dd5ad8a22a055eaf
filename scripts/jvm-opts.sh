# Sourced by ./depot and bench/run.sh: the JVM options Depot runs with, in the array DEPOT_JVM_OPTS.
# Usage: depot_jvm_opts JAR COMMAND
#
# Class data kept beside the jar cuts a start by about 40% (2.6 s to 1.5 s to the first answer on
# 2 cores): on JDK 25+ an ahead-of-time cache (JEP 483/514: classes loaded and linked, with
# profiles), on older JDKs a dynamic class-data-sharing archive. The first `serve` of a jar records
# it and writes it when that server stops (the AOT cache takes ~5 s to write); every later command
# of that jar uses it. A cache that does not fit (another JDK) is ignored, silently.

depot_jvm_opts() {
  local jar="$1" command="${2:-}" major
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
  DEPOT_JVM_OPTS=(--enable-native-access=ALL-UNNAMED -Xlog:cds=off)
  if [ "${DEPOT_CLASS_CACHE:-on}" = off ]; then
    return 0
  fi
  if [ -n "$major" ] && [ "$major" -ge 25 ]; then
    DEPOT_JVM_OPTS+=(-Xlog:aot=off)  # the tag is new in JDK 24; older JDKs refuse it
    if [ -f "$jar.aot" ]; then
      DEPOT_JVM_OPTS+=("-XX:AOTCache=$jar.aot")
    elif [ "$command" = serve ]; then
      DEPOT_JVM_OPTS+=("-XX:AOTCacheOutput=$jar.aot")
    fi
  else
    if [ -f "$jar.jsa" ]; then
      DEPOT_JVM_OPTS+=("-XX:SharedArchiveFile=$jar.jsa")
    elif [ "$command" = serve ]; then
      DEPOT_JVM_OPTS+=("-XX:SharedArchiveFile=$jar.jsa" -XX:+AutoCreateSharedArchive)
    fi
  fi
}
