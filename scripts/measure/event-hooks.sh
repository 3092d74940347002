#!/bin/bash
# Measures what event hooks cost a failover: with a running check, seconds from isp1's death to
# eth1 leaving the default route, without hooks and with two installed (one records the event,
# one hangs until EVENT_TIMEOUT stops it), alternating; and how long after the route changed
# the recording hook heard it.
# usage: scripts/measure/event-hooks.sh [REPEATS]   (needs root; uses the uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}
. scripts/measure/rig-setup.sh
conf="$($RIG etc)/default/uplink-lb"
base=$(cat "$conf")
hooks=$(mktemp -d "$PWD/test/.state/measure-hooks.XXXXXX")
heard=$hooks.heard
chmod 755 "$hooks"
trap '$RIG down >/dev/null 2>&1 || true; rm -rf "$hooks" "$heard"' EXIT
printf '#!/bin/sh\n[ "$UPLINK_LB_EVENT" = draining ] && date +%%s.%%N > %s\nexit 0\n' "$heard" > "$hooks/10-record"
printf '#!/bin/sh\nsleep 60\n' > "$hooks/20-hang"
chmod 755 "$hooks"/*

. scripts/measure/check-loop.sh

without=() with=() heard_after=()
for _ in $(seq "$repeats"); do
    for mode in without with; do
        if [ "$mode" = with ]; then printf '%s\nEVENT_HOOKS_DIR=%s\nEVENT_TIMEOUT=10\n' "$base" "$hooks" > "$conf"; else printf '%s\n' "$base" > "$conf"; fi
        rm -f "$heard"
        ensure_check; wait_until in_route; sleep 1
        t0=$(now); $RIG fail isp1 upstream; wait_until in_route not; t1=$(now)
        if [ "$mode" = with ]; then
            with+=("$(diff_s "$t0" "$t1")")
            for _ in $(seq 100); do [ -s "$heard" ] && break; sleep 0.05; done
            heard_after+=("$(diff_s "$t1" "$(cat "$heard" 2>/dev/null || echo "$t1")")")
        else
            without+=("$(diff_s "$t0" "$t1")")
        fi
        $RIG fail isp1 none; wait_until in_route
    done
done
kill "$check_pid" 2>/dev/null || true
echo "failover (isp1 dead to eth1 out of the route), s: without hooks ${without[*]} | with a recording and a hanging hook ${with[*]}"
echo "the recording hook heard it, s after the route changed: ${heard_after[*]}"
