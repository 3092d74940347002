#!/bin/bash
# Measures how long new connections have no balanced route when an uplink's device goes away,
# as ppp0 does whenever pppd ends a link. Without nexthop objects the kernel deletes every route
# with a nexthop through the device (the whole multipath default route) without a route event,
# and the running check puts it back at the link and address events; with them (the default
# where the kernel has them) it only takes the member out of the group. Here eth1 is deleted
# (the same kernel path) with a check running, and a loop in the router reads the default
# route at metric 10 as fast as `ip` answers (every few ms) before, during and after. TRIALS
# (default 4) fresh rigs; EXTRA=NEXTHOP_OBJECTS=no measures the routes of older kernels.
# usage: [EXTRA=NEXTHOP_OBJECTS=no] scripts/measure/device-gone.sh   (needs root; uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${TRIALS:-4}
for trial in $(seq "$trials"); do
    (
        . scripts/measure/rig-setup.sh
        start_check
        "$RIG" rx python3 - <<'PY'
import subprocess, time
def present():
    out = subprocess.run(['ip', '-o', 'route', 'show', 'default', 'metric', '10'], capture_output=True, text=True).stdout
    return out.strip() != ''
samples = []
t0 = time.monotonic()
deleted = None
while time.monotonic() - t0 < 4:
    if deleted is None and time.monotonic() - t0 > 1:
        subprocess.run(['ip', 'link', 'del', 'eth1'], check=True)
        deleted = time.monotonic()
    samples.append((time.monotonic(), present()))
gaps, start = [], None
for at, ok in samples:
    if not ok and start is None: start = at
    if ok and start is not None: gaps.append(at - start); start = None
if start is not None: gaps.append(float('inf'))
step = (samples[-1][0] - samples[0][0]) / len(samples) * 1000
worst = max(gaps) if gaps else 0
print(f"no balanced route for {'ever after' if worst == float('inf') else f'{worst * 1000:.0f} ms'} after eth1 went ({len(samples)} reads, one every {step:.1f} ms)")
PY
        kill "$CHECK"; wait "$CHECK" 2>/dev/null || true
    ) | sed "s/^/trial $trial: /"
done
