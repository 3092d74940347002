#!/bin/bash
# Measures how long the balanced route is missing when an uplink's device goes away, as ppp0
# does whenever pppd ends a link: the kernel deletes every route with a nexthop through the
# device (the whole multipath default route) without a route event, and the running check puts
# it back at the link and address events. Here eth1 is deleted (the same kernel path) with a
# check running; `ip -ts monitor route` times the route's return. TRIALS (default 4) fresh rigs.
# usage: scripts/measure/device-gone.sh   (needs root; uses the uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${TRIALS:-4}
out=$(mktemp -d)
for trial in $(seq "$trials"); do
    (
        . scripts/measure/rig-setup.sh
        setsid "$RIG" rx "$BIN" check </dev/null >/dev/null 2>&1 & check=$!
        sleep 6
        "$RIG" rx ip -ts monitor route > "$out/monitor" 2>&1 & monitor=$!
        sleep 1
        "$RIG" rx ip link del eth1
        sleep 3
        kill "$monitor" "$check"; wait "$monitor" "$check" 2>/dev/null || true
    )
    # the first line is the first route eth1 took with it; the gap ends when the default route is back
    python3 - "$out/monitor" "$trial" <<'PY'
import re, sys
from datetime import datetime
lines = [l for l in open(sys.argv[1]).read().splitlines() if l.startswith('[')]
at = lambda l: datetime.fromisoformat(re.match(r'\[([^\]]+)\]', l).group(1))
back = [l for l in lines if ' metric 10' in l and not l.split('] ', 1)[1].startswith('Deleted')]
gap = f'{(at(back[0]) - at(lines[0])).total_seconds() * 1000:.0f} ms' if lines and back else 'not back within 3 s'
print(f'trial {sys.argv[2]}: the balanced route was back {gap} after eth1 went')
PY
done
rm -rf "$out"
