#!/usr/bin/env bash
# A fleet of simulated installations against real Depot servers over HTTP: a release staged at
# 10 % then 50 % (the share offered, and that nobody left the rollout), a release failing 30 % of
# its installs (failure reports and seconds until it halts itself), healthy releases (1 % failures
# under a 5 % threshold: how many halt). Usage: bench/fleet.sh [sqlite|postgresql] [installations]
# (postgresql runs two nodes on one embedded PostgreSQL, requests alternating). Prints Markdown and
# keeps it in bench/results/<UTC>-fleet-<mode>.md.
set -euo pipefail
. "$(dirname "$0")/java-main.sh"
mode=${1:-sqlite}
run_main "fleet-$mode" dev.depot.bench.FleetSimulation "$mode" "${2:-10000}"
