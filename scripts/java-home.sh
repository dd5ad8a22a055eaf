# Sourced by ./depot and .ci/run: points JAVA_HOME at a JDK >= 21.
# Order: JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*. Fails with a clear message.

depot_java_major() {
  # prints the major version of the java binary given as $1, or nothing: from the JDK's `release`
  # file where it has one (no JVM started), else from the JVM itself
  local release
  release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ] && grep -q '^JAVA_VERSION="[0-9]' "$release"; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1
    return 0
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

depot_find_java_home() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(depot_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  if command -v java >/dev/null 2>&1; then
    candidate=$(readlink -f "$(command -v java)")
    major=$(depot_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then dirname "$(dirname "$candidate")"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    major=$(depot_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then dirname "$(dirname "$candidate")"; return 0; fi
  done
  return 1
}

if ! DEPOT_JAVA_HOME=$(depot_find_java_home); then
  echo "depot: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm)." >&2
  echo "depot: install one (for example Temurin 21+) and set JAVA_HOME." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$DEPOT_JAVA_HOME"
