#!/usr/bin/env bash
# Depot side by side with its peers (nginx for serving, openssl for hashing) on this machine.
# Usage: bench/run.sh [SCENARIO...]
#   scenarios: start update download upload tus feed repository slow (default: all)
# Installs wrk, nginx and hyperfine from Debian when missing, builds Depot, starts it on the
# embedded default with a seeded dataset and nginx on loopback with the same bytes, runs each
# scenario for a bounded time, stops what it started, and writes bench/results/<UTC date>.md and
# the summary table of docs/performance.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(start update download upload tus feed repository slow)
duration=${BENCH_DURATION:-10s}

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  sudo_=""; [ "$(id -u)" -ne 0 ] && sudo_="sudo"
  $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d /tmp/depot-bench.XXXXXX)
depot_pid=""; nginx_pid=""
cleanup() {
  [ -n "$depot_pid" ] && kill "$depot_pid" 2>/dev/null && wait "$depot_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
# downloads map blob files: their pages count in RSS but are the page cache, shared and reclaimable
anon_mb() { awk '/RssAnon/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

echo "bench: building Depot" >&2
(cd "$root" && ./mvnw -q -B package -Dmaven.test.skip=true) >&2
jar="$work/depot.jar"; cp "$root/target/depot.jar" "$jar"
if [[ " ${scenarios[*]} " =~ \ (feed|repository)\  ]]; then
  # the feed and repository benchmarks run in their own JVM over the test classes
  (cd "$root" && ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
      -Dmdep.includeScope=test) >&2
  mkdir -p "$work/classes"; cp -r "$root/target/classes" "$root/target/test-classes" "$work/classes/"
  bench_cp="$work/classes/classes:$work/classes/test-classes:$(cat "$root/target/bench-classpath.txt")"
fi
depot() { DEPOT_DATA="$work/data" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }

# --- the dataset: a device with builds, an admin token
size=${BENCH_FILE_BYTES:-1073741824}
label=$(python3 -c "n=$size; print(f'{n/2**30:g} GiB' if n >= 2**30 else f'{n/2**20:g} MiB')")
file="$work/Bench-v1.0-benchdev-OFFICIAL-gapps-20240101.zip"
head -c "$size" /dev/urandom > "$file"
depot user add bench --admin --password-stdin <<< "bench-password" >/dev/null
depot device add benchdev --name Bench --manufacturer Depot >/dev/null
depot variant add gapps >/dev/null
depot org add bench --name Bench --owner bench >/dev/null
depot org app bench benchapp --name "Bench app" >/dev/null
token=$(depot token create --user bench --scope admin)

# launched as ./depot launches it (scripts/jvm-opts.sh): the first start of a new jar records the
# class cache, written when it stops; the measured start is the next one
. "$root/scripts/jvm-opts.sh"
port=$(free_port)
serve() {  # starts the server and waits for its first 200; sets depot_pid and started_s (seconds since launch)
  depot_jvm_opts "$jar" serve
  local launch; launch=$(date +%s.%N)
  DEPOT_DATA="$work/data" DEPOT_PORT=$port DEPOT_LOG_LEVEL=WARN \
    "$JAVA_HOME/bin/java" "${DEPOT_JVM_OPTS[@]}" -jar "$jar" serve > "$work/serve.log" 2>&1 &
  depot_pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
    kill -0 "$depot_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.02
  done
  started_s=$(python3 -c "import time; print(f'{time.time() - $launch:.2f}')")
}
serve; first_start=$started_s
kill "$depot_pid"; wait "$depot_pid" 2>/dev/null || true
serve; first_200=$started_s
sleep 15  # idle: what the start made is made, and a periodic collection has run (scripts/jvm-opts.sh)
rss=$(rss_mb "$depot_pid")
base="http://127.0.0.1:$port"

echo "bench: seeding builds" >&2
seed_s=$(python3 "$root/bench/shippy_upload.py" "$base" "$token" "$file")
build_id=$(curl -sf "$base/api/v1/updater/los/benchdev/gapps/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["response"][0]["id"])' 2>/dev/null || true)
download_path=$(curl -sf "$base/api/v1/updater/los/benchdev/gapps/" | python3 -c 'import json,sys,urllib.parse as u; print(u.urlparse(json.load(sys.stdin)["response"][0]["url"]).path)')

# --- nginx with the same bytes
mkdir -p "$work/static/api/v1/updater/los/benchdev/gapps"
curl -sf "$base/api/v1/updater/los/benchdev/gapps/" > "$work/static/api/v1/updater/los/benchdev/gapps/index.json"
ln "$file" "$work/static/build.zip"
chmod 755 "$work"; chmod -R a+rX "$work/static"; chmod a+r "$file"   # nginx workers run as nobody
nport=$(free_port)
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  # at its best for the job: connections kept for the whole run, the files' descriptors kept open
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  open_file_cache max=64 inactive=300s;
  open_file_cache_valid 300s;
  types { application/json json; application/zip zip; }
  server {
    listen 127.0.0.1:$nport;
    root $work/static;
    index index.json;
  }
}
NGINX
"$nginx_bin" -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for i in $(seq 200); do
  curl -sf "http://127.0.0.1:$nport/build.zip" -r 0-0 >/dev/null && break
  [ "$i" = 200 ] && { echo "bench: nginx does not serve the files" >&2; cat "$work/nginx-error.log" >&2; exit 1; }
  sleep 0.05
done
nbase="http://127.0.0.1:$nport"

# --- scenarios
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); printf '%-34s depot %-22s peer %-22s ratio %-6s target %-8s %s\n' "$1" "$2" "$3" "$4" "$5" "$6"; }
met() { python3 -c "print('met' if $1 >= $2 else 'not met')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
# the in-process benches' pairs (RESULT KEY_pair_1..N, peer / Depot): "MEDIAN (pairs a b ...)"
pair_ratio() {
  local n v=()
  for n in $(compgen -v "${1}_pair_" | sort -V); do v+=("${!n}"); done
  python3 -c "import statistics,sys; p=[float(x) for x in sys.argv[1:]]; print(f'{statistics.median(p):.2f} (pairs ' + ' '.join(f'{x:.2f}' for x in p) + ')')" "${v[@]}"
}

wrk_rps() {  # url -> "rps p50 p99"; a first run warms up (the JIT, connection pools) and is not counted
  wrk -t2 -c64 -d"${BENCH_WARMUP:-5s}" "$1" >/dev/null
  wrk -t2 -c64 -d"$duration" --latency "$1" | python3 -c '
import re, sys
t = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
def ms(p):
    v, unit = re.search(p + r"%\s+([\d.]+)(us|ms|s)", t).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
p50, p99 = ms("50"), ms("99")
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {errs.group(1) if errs else 0}")'
}

mbps() {  # curl the url (args...) once, print MB/s
  local s; s=$(curl -s -o /dev/null -w '%{speed_download}' "$@")
  python3 -c "print(f'{$s / 1e6:.0f}')"
}

pairs=${BENCH_PAIRS:-3}
load() { cut -d' ' -f1-3 /proc/loadavg; }
median() { python3 -c 'import statistics, sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):g}")' "$@"; }

# interleaved NAME DEPOT_CMD PEER_CMD: runs the two commands (each prints one figure, larger is better)
# in pairs, Depot first in odd pairs and the peer first in even ones (A B, B A, ...), $pairs pairs;
# sets i_depot and i_peer (the medians), i_ratio (the median of the pairs' ratios) and i_pairs
# (each pair's ratio, and the load before the first).
interleaved() {
  local name=$1 dcmd=$2 pcmd=$3 ds=() ps=() rs=() d p
  local before; before=$(load)
  for i in $(seq "$pairs"); do
    if [ $((i % 2)) = 1 ]; then d=$(eval "$dcmd"); p=$(eval "$pcmd"); else p=$(eval "$pcmd"); d=$(eval "$dcmd"); fi
    ds+=("$d"); ps+=("$p"); rs+=("$(ratio "$d" "$p")")
    echo "bench: $name pair $i: depot $d, peer $p, ratio ${rs[-1]}" >&2
  done
  i_depot=$(median "${ds[@]}"); i_peer=$(median "${ps[@]}"); i_ratio=$(median "${rs[@]}")
  i_pairs="pairs ${rs[*]}; load $before"
}

for sc in "${scenarios[@]}"; do
  case "$sc" in
    start)
      row "idle RSS (15 s after the start)" "$rss MB" "-" "-" "≤ 150 MB" "$(python3 -c "print('met' if $rss <= 150 else 'not met')")"
      row "start: launch to first 200" "${first_200} s (first start of a new jar: ${first_start} s)" "-" "-" "≤ 1 s" \
          "$(python3 -c "print('met' if $first_200 <= 1 else 'not met')")"
      ;;
    update)
      wrk_d() { wrk_rps "$base/api/v1/updater/los/benchdev/gapps/" | cut -d' ' -f1; }
      wrk_n() { wrk_rps "$nbase/api/v1/updater/los/benchdev/gapps/" | cut -d' ' -f1; }
      interleaved "update check" wrk_d wrk_n
      read -r _ d50 d99 derr <<< "$(wrk_rps "$base/api/v1/updater/los/benchdev/gapps/")"
      row "update check (wrk -t2 -c64; median of $pairs interleaved pairs)" "$i_depot req/s (p50 $d50 p99 $d99 ms, $derr errors)" \
          "$i_peer req/s" "$i_ratio ($i_pairs)" "≥ 0.9" "$(met "$i_ratio" 0.9)"
      ;;
    download)
      # the peak memory while downloads run, sampled every 100 ms
      ( peak=0; peak_anon=0
        while kill -0 "$depot_pid" 2>/dev/null; do
          r_=$(rss_mb "$depot_pid"); a_=$(anon_mb "$depot_pid")
          [ "$r_" -gt "$peak" ] && peak=$r_; [ "$a_" -gt "$peak_anon" ] && peak_anon=$a_
          echo "$peak $peak_anon" > "$work/peak"; sleep 0.1
        done ) &
      sampler=$!
      mbps "$base$download_path" >/dev/null; mbps "$nbase/build.zip" >/dev/null  # warm-up, not counted
      interleaved "whole download" "mbps $base$download_path" "mbps $nbase/build.zip"
      row "download $label whole (median of $pairs pairs)" "$i_depot MB/s" "$i_peer MB/s" "$i_ratio ($i_pairs)" "≥ 1.0" \
          "$(met "$i_ratio" 1.0)"
      ranged() {  # base-url path -> MB/s over 8 MiB ranges of the whole file
        python3 - "$1" "$size" <<'PY'
import sys, time, http.client, urllib.parse
url, size = sys.argv[1], int(sys.argv[2])
u = urllib.parse.urlparse(url)
c = http.client.HTTPConnection(u.hostname, u.port)
step = 8 << 20
t = time.time()
for start in range(0, size, step):
    c.request("GET", u.path, headers={"Range": f"bytes={start}-{min(size, start + step) - 1}"})
    r = c.getresponse()
    assert r.status == 206, r.status
    while r.read(1 << 20):
        pass
print(f"{size / (time.time() - t) / 1e6:.0f}")
PY
      }
      interleaved "ranged download" "ranged $base$download_path" "ranged $nbase/build.zip"
      row "download $label by 8 MiB ranges (median of $pairs pairs)" "$i_depot MB/s" "$i_peer MB/s" "$i_ratio ($i_pairs)" "≥ 0.9" \
          "$(met "$i_ratio" 0.9)"
      kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
      read -r peak peak_anon < "$work/peak"
      row "RSS during downloads (peak)" "$peak MB, private $peak_anon MB" "-" "-" "-" "-"
      ;;
    upload|tus)
      # a fresh file of the same size: the seeding upload warmed the server up, and its bytes are stored
      if [ ! -f "$work/upload-2.zip" ]; then
        head -c "$size" /dev/urandom > "$work/Bench-v1.0-benchdev-OFFICIAL-gapps-20240102.zip"
        ln "$work/Bench-v1.0-benchdev-OFFICIAL-gapps-20240102.zip" "$work/upload-2.zip"
        head -c "$size" /dev/urandom > "$work/bench-tus.apk"
      fi
      second="$work/Bench-v1.0-benchdev-OFFICIAL-gapps-20240102.zip"
      [ "$sc" = tus ] && second="$work/bench-tus.apk"
      cat "$second" > /dev/null
      t_openssl=$( { /usr/bin/time -f %e openssl dgst -sha256 "$second" >/dev/null; } 2>&1 )
      o=$(python3 -c "print(f'{$size / $t_openssl / 1e6:.0f}')")
      # the other limit: writing as many new bytes, made durable, into the data directory's file system
      t_dd=$( { /usr/bin/time -f %e dd if=/dev/zero of="$work/data/disk-probe" bs=1M count=$((size >> 20)) conv=fsync status=none; } 2>&1 )
      rm -f "$work/data/disk-probe"
      disk=$(python3 -c "print(f'{$size / $t_dd / 1e6:.0f}')")
      if [ "$sc" = upload ]; then
        up_s=$(python3 "$root/bench/shippy_upload.py" "$base" "$token" "$second")
        what="upload $label, shipper 1 MB chunks"; target=0.35
      else
        up_s=$(python3 "$root/bench/tus_upload.py" "$base" "$token" "$second" bench benchapp)
        what="upload $label, tus 32 MiB chunks"; target=0.6
      fi
      d=$(python3 -c "print(f'{$size / $up_s / 1e6:.0f}')")
      r=$(ratio "$d" "$o")
      row "$what" "$d MB/s ($(ratio "$d" "$disk") of the disk)" "$o MB/s (openssl); disk $disk MB/s (dd, fsync)" "$r" "≥ $target" "$(met "$r" $target)"
      ;;
    feed)
      for n in 10000 100000; do
        out=$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dbench.peer.dir="$work/static" -Dbench.peer.url="$nbase" \
            -cp "$bench_cp" dev.depot.bench.FeedPackageBench "$n" | grep '^RESULT')
        eval "$(echo "$out" | cut -d' ' -f2-)"
        row "feed: build a package of $n samples (warm JVM)" "$(printf '%.0f' "$build_ms") ms" "-" "-" "< 1000 ms" \
            "$(python3 -c "print('met' if $build_ms < 1000 else 'not met')")"
        r=$(pair_ratio fetch)
        row "feed: fetch the $n-sample package (median of interleaved pairs)" "$(printf '%.1f' "$fetch_ms") ms" \
            "$(printf '%.1f' "$peer_fetch_ms") ms" "$r" "≥ 0.8" "$(met "${r%% *}" 0.8)"
      done
      ;;
    repository)
      out=$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dbench.peer.dir="$work/static" -Dbench.peer.url="$nbase" \
          -cp "$bench_cp" dev.depot.bench.RepositoryCheckBench 100000 | grep '^RESULT')
      eval "$(echo "$out" | cut -d' ' -f2-)"
      r=$(pair_ratio http)
      row "Aptoide repository check, $(printf '%.0f' "$revisions") revisions, 10 behind (median of interleaved pairs)" \
          "$(printf '%.2f' "$http_ms") ms" "$(printf '%.2f' "$peer_http_ms") ms" "$r" "≥ 0.8" "$(met "${r%% *}" 0.8)"
      ;;
    slow)
      read -r ok errors <<< "$(python3 "$root/bench/slow_clients.py" "$base$download_path" 2000 15 2> "$work/slow.log")"
      slow_rss="$(rss_mb "$depot_pid") MB, private $(anon_mb "$depot_pid") MB"
      read -r nok nerrors <<< "$(python3 "$root/bench/slow_clients.py" "$nbase/build.zip" 2000 15 2>> "$work/slow.log")"
      cat "$work/slow.log" >&2
      row "2,000 slow downloads: errors (RSS)" "$errors ($slow_rss)" "$nerrors" "-" "0 errors" \
          "$([ "$errors" = 0 ] && echo met || echo not met)"
      ;;
    *) echo "bench: unknown scenario $sc" >&2; exit 2 ;;
  esac
done

# --- the report
stamp=$(date -u +%Y-%m-%dT%H%MZ)
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), nginx $("$nginx_bin" -v 2>&1 | cut -d/ -f2)"
mkdir -p "$root/bench/results"
{
  echo "# bench/run.sh $stamp"
  echo
  echo "Machine: $machine. Scenarios: ${scenarios[*]}. wrk duration $duration."
  echo
  echo "| scenario | Depot | peer | ratio | target | |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
} > "$root/bench/results/$stamp.md"
python3 "$root/bench/doc_section.py" bench "$root/docs/performance.md" "$root/bench/results/$stamp.md"
echo "bench: wrote bench/results/$stamp.md and docs/performance.md" >&2
