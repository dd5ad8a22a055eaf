#!/usr/bin/env bash
# Depot at an earlier revision (the peer) and at this checkout, side by side on this machine: the
# hot paths of a change that should not make them slower. Each round runs both builds, in
# alternating order (A B, then B A, ...), on fresh data directories and fresh files; medians of
# the rounds are reported, with the ratio this/peer (above 1: this checkout is faster).
# Usage: bench/compare.sh BASE_REV [ROUNDS]     (default 5 rounds; BENCH_FILE_BYTES, default 1 GiB)
# Scenarios: the update check (wrk), a whole download (curl), a shipper upload (1 MB chunks) and a
# tus upload (32 MiB chunks), finalize included.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
base_rev=${1:?usage: bench/compare.sh BASE_REV [ROUNDS]}
rounds=${2:-5}
size=${BENCH_FILE_BYTES:-1073741824}
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "compare: $tool is needed (bench/run.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/depot-compare.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  git -C "$root" worktree remove --force "$work/base" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "compare: building this checkout and $base_rev" >&2
(cd "$root" && ./mvnw -q -B package -Dmaven.test.skip=true) >&2
cp "$root/target/depot.jar" "$work/this.jar"
git -C "$root" worktree add --detach -q "$work/base" "$base_rev"
(cd "$work/base" && ./mvnw -q -B package -Dmaven.test.skip=true) >&2
cp "$work/base/target/depot.jar" "$work/peer.jar"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
depot() { DEPOT_DATA="$work/data" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }

# one round of one build: a fresh data directory and server, then each scenario once; prints
# "update_rps download_mbs shipper_mbs tus_mbs"
round() {
  jar="$work/$1.jar"
  rm -rf "$work/data"
  depot user add bench --admin --password-stdin <<< "bench-password" >/dev/null
  depot device add benchdev --name Bench --manufacturer Depot >/dev/null
  depot variant add gapps >/dev/null
  depot org add bench --name Bench --owner bench >/dev/null
  depot org app bench benchapp --name "Bench app" >/dev/null
  local token port base
  token=$(depot token create --user bench --scope admin)
  port=$(free_port)
  base="http://127.0.0.1:$port"
  DEPOT_DATA="$work/data" DEPOT_PORT=$port DEPOT_LOG_LEVEL=WARN \
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" serve > "$work/serve.log" 2>&1 &
  pid=$!
  until curl -sf "$base/healthz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.05
  done
  local zip="$work/Bench-v1.0-benchdev-OFFICIAL-gapps-20240101.zip" apk="$work/bench.apk"
  head -c "$size" /dev/urandom > "$zip"
  head -c "$size" /dev/urandom > "$apk"
  local shipper_s tus_s rps dl
  shipper_s=$(python3 "$root/bench/shippy_upload.py" "$base" "$token" "$zip")
  tus_s=$(python3 "$root/bench/tus_upload.py" "$base" "$token" "$apk" bench benchapp)
  local path
  path=$(curl -sf "$base/api/v1/updater/los/benchdev/gapps/" \
      | python3 -c 'import json,sys,urllib.parse as u; print(u.urlparse(json.load(sys.stdin)["response"][0]["url"]).path)')
  wrk -t2 -c64 -d5s "$base/api/v1/updater/los/benchdev/gapps/" > /dev/null 2>&1   # warm
  rps=$(wrk -t2 -c64 -d10s "$base/api/v1/updater/los/benchdev/gapps/" | awk '/Requests\/sec/ {print $2}')
  local t
  t=$(curl -s -o /dev/null -w '%{time_total}' "$base$path")
  dl=$(python3 -c "print($size / $t / 1e6)")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  rm -f "$zip" "$apk"
  python3 -c "print($rps, $dl, $size / $shipper_s / 1e6, $size / $tus_s / 1e6)"
}

: > "$work/this.txt"; : > "$work/peer.txt"
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="peer this"; else order="this peer"; fi
  for b in $order; do
    echo "compare: round $r/$rounds, $b" >&2
    round "$b" >> "$work/$b.txt"
  done
done

python3 - "$work/this.txt" "$work/peer.txt" "$base_rev" "$rounds" "$size" <<'PY'
import statistics, sys
this = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
peer = [list(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
rev, rounds, size = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
names = ["update check (wrk -t2 -c64, req/s)", "download whole (MB/s)", "upload, shipper 1 MB chunks (MB/s)",
         "upload, tus 32 MiB chunks (MB/s)"]
print(f"| scenario | this checkout | {rev} | ratio |")
print("| --- | --- | --- | --- |")
for i, n in enumerate(names):
    a = statistics.median(r[i] for r in this)
    b = statistics.median(r[i] for r in peer)
    print(f"| {n} | {a:.0f} | {b:.0f} | {a / b:.2f} |")
print(f"\nMedians of {rounds} interleaved rounds, {size / 2**20:.0f} MiB files, fresh data directory per round.")
PY
