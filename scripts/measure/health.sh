#!/bin/bash
# Measures the health check on the rig and prints figures:
#  - per failure kind on isp1: seconds from the failure to eth1 leaving the default route, and
#    from clearing it to eth1 being back (a check running with the default timing);
#  - the wall time of check --once with 0, 1 and 2 dead uplinks;
#  - CPU time and peak memory of one `uplink-lb check` run (it lasts until a minute boundary).
# usage: [TARGETS="192.0.2.20 192.0.2.21"] [EXTRA='CHECK_INTERVAL=1\n'] scripts/measure/health.sh [REPEATS]
# (needs root; uses the uplink-lb-* namespaces). The times include polling the route every
# 50 ms through the rig (about 0.1 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}
. scripts/measure/rig-setup.sh
. scripts/measure/check-loop.sh

echo "targets: $TARGETS; extra configuration: ${EXTRA:-none}"
echo "failure kind | drained after (s) | restored after (s)"
for kind in upstream gw-ip gw-all carrier; do
    drains=() restores=()
    for _ in $(seq "$repeats"); do
        ensure_check
        wait_until in_route
        sleep 1
        t0=$(now); $RIG fail isp1 "$kind"; wait_until in_route not; t1=$(now)
        $RIG fail isp1 none; wait_until in_route; t2=$(now)
        drains+=("$(diff_s "$t0" "$t1")"); restores+=("$(diff_s "$t1" "$t2")")
    done
    echo "$kind | ${drains[*]} | ${restores[*]}"
done
kill "$check_pid" 2>/dev/null || true; sleep 0.5

echo
echo "dead uplinks | wall time of check --once (s)"
for dead in 0 1 2; do
    [ "$dead" -ge 1 ] && $RIG fail isp1 upstream
    [ "$dead" -ge 2 ] && $RIG fail isp2 upstream
    t0=$(now); $RIG rx "$BIN" check --once >/dev/null 2>&1; t1=$(now)
    echo "$dead | $(diff_s "$t0" "$t1")"
    $RIG fail isp1 none; $RIG fail isp2 none
done
$RIG rx rm -f /run/uplink-lb/health.json   # the router's private /run

echo
echo "one check run (until the next minute boundary at least 30 s away):"
$RIG rx /usr/bin/time -f 'wall %e s, CPU %U s user + %S s system, peak resident %M kB' "$BIN" check 2>&1 | tail -1
