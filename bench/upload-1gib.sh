#!/usr/bin/env bash
# Measures a 1 GiB upload through the shipper chunked protocol (1 MB chunks, finalize included)
# against `openssl dgst -sha256` of the same file, on loopback. Starts and stops its own Depot.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
file="$work/Bench-v1.0-benchdev-OFFICIAL-gapps-20240101.zip"
head -c 1073741824 /dev/urandom > "$file"

"$root/depot" --version >/dev/null   # builds the jar if needed
export DEPOT_DATA="$work/data" DEPOT_PORT=18123
"$root/depot" user add bench --admin --password-stdin <<< "bench-password" >/dev/null
"$root/depot" device add benchdev --name Bench --manufacturer Depot >/dev/null
"$root/depot" variant add gapps >/dev/null
token=$("$root/depot" token create --user bench --scope admin)
"$root/depot" serve > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$DEPOT_PORT/healthz" >/dev/null && break; sleep 0.2; done

cat "$file" > /dev/null   # same page-cache state for both
t_openssl=$( { /usr/bin/time -f %e openssl dgst -sha256 "$file" >/dev/null; } 2>&1 )
t_depot=$(python3 "$root/bench/shippy_upload.py" "http://127.0.0.1:$DEPOT_PORT" "$token" "$file")
python3 - "$t_openssl" "$t_depot" <<'PY'
import sys
o, d = float(sys.argv[1]), float(sys.argv[2])
mb = 1073741824 / 1e6
print(f"openssl dgst -sha256: {o:.2f} s ({mb / o:.0f} MB/s)")
print(f"depot shipper upload (1 MB chunks, finalize included): {d:.2f} s ({mb / d:.0f} MB/s)")
print(f"ratio depot/openssl throughput: {o / d:.2f}")
PY
