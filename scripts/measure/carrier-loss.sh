#!/bin/bash
# Measures how long new connections may still be routed to an uplink after its carrier goes:
# isp1's end of eth1 is set down with a check running, and a loop reads the router's default
# route at metric 10 as fast as `ip` answers until eth1 is no longer in it. With nexthop objects
# the kernel takes eth1's nexthop out of the group in the same step as the carrier change;
# without them (EXTRA=NEXTHOP_OBJECTS=no) the kernel skips the linkdown nexthop
# (ignore_routes_with_linkdown) and the check replaces the route at the link event.
# TRIALS (default 4) fresh rigs.
# usage: [EXTRA=NEXTHOP_OBJECTS=no] scripts/measure/carrier-loss.sh   (needs root; uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${TRIALS:-4}
for trial in $(seq "$trials"); do
    (
        . scripts/measure/rig-setup.sh
        start_check
        P=${RIG_NAME:-uplink-lb} python3 - <<'PY'
import os, subprocess, time
p = os.environ['P']
def route():
    return subprocess.run(['ip', '-n', f'{p}-router', '-o', 'route', 'show', 'default', 'metric', '10'], capture_output=True, text=True).stdout
assert 'eth1' in route(), route()
t0 = time.monotonic()
subprocess.run(['ip', '-n', f'{p}-isp1', 'link', 'set', 'down0', 'down'], check=True)
down = time.monotonic()
reads = 0
while 'eth1' in route() and time.monotonic() - down < 5:
    reads += 1
took = time.monotonic() - down
print(f"eth1 out of the balanced route {took * 1000:.0f} ms after its carrier went ({reads} reads with it still there)")
PY
        kill "$CHECK"; wait "$CHECK" 2>/dev/null || true
    ) | sed "s/^/trial $trial: /"
done
