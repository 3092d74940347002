#!/bin/bash
# Measures what the health check costs: CPU (the check and every process it starts: pings,
# ip) and peak resident memory over back-to-back `uplink-lb check` runs, as cron would start
# them, with N DHCP uplinks probing 2 targets each.
# usage: scripts/measure/checker-cost.sh [UPLINKS] [SECONDS]   (default 2 and 300; needs root;
# uses the uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-2}
duration=${2:-300}
RIG=scripts/rig/rig.sh
trap '$RIG down >/dev/null 2>&1 || true' EXIT
$RIG down >/dev/null 2>&1 || true
$RIG up "$n" >/dev/null
$RIG install >/dev/null 2>&1
$RIG x inet ip addr add 192.0.2.20/32 dev lo
$RIG x inet ip addr add 192.0.2.21/32 dev lo
BIN=$($RIG bin)
devices=$(seq -f 'eth%g' 1 "$n" | tr '\n' ' ')
printf 'IFACE_DEVICE=( %s)\nCHECK_TARGETS=( 192.0.2.20 192.0.2.21 )\n' "$devices" > "$($RIG etc)/default/uplink-lb"
for dev in $devices; do $RIG ifup "$dev" >/dev/null 2>&1; done
start=$(date +%s)
wall=0 cpu=0 peak=0 runs=0
while [ $(( $(date +%s) - start )) -lt "$duration" ]; do
    read -r e u s m < <($RIG rx /usr/bin/time -f '%e %U %S %M' "$BIN" check 2>&1 >/dev/null | tail -1)
    wall=$(awk -v a="$wall" -v b="$e" 'BEGIN { print a + b }')
    cpu=$(awk -v a="$cpu" -v b="$u" -v c="$s" 'BEGIN { print a + b + c }')
    [ "$m" -gt "$peak" ] && peak=$m
    runs=$((runs + 1))
done
awk -v n="$n" -v w="$wall" -v c="$cpu" -v p="$peak" -v r="$runs" 'BEGIN {
    printf "%d uplinks x 2 targets: %.2f s CPU in %.1f s of checking (%d runs): %.2f%% of a core; peak resident %d kB\n", n, c, w, r, 100 * c / w, p }'
