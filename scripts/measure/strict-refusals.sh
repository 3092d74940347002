#!/bin/bash
# Measures how fast a strict policy refuses: "to 192.0.2.10 tcp:20200-20299 use eth2 strict",
# isp2's upstream dead and eth2 drained by a running check; then 100 new TCP connections from
# one LAN host at once (and 100 from the router itself), each timed from its connect() to its
# answer. Prints, per source, how many were refused (a reset), timed out or connected, and the
# time of the last refusal. TRIALS (default 3) rounds on one rig.
# usage: scripts/measure/strict-refusals.sh   (needs root; uses the uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
EXTRA='POLICY=( "to 192.0.2.10 tcp:20200-20299 use eth2 strict" )\n'
. scripts/measure/rig-setup.sh
setsid "$RIG" rx "$BIN" check </dev/null >/dev/null 2>&1 & check=$!
trap 'kill $check 2>/dev/null || true; $RIG down >/dev/null 2>&1 || true' EXIT
sleep 3
"$RIG" fail isp2 upstream
for _ in $(seq 100); do "$RIG" rx ip route show default metric 10 | grep -q 'dev eth2' || break; sleep 0.1; done
"$RIG" rx "$BIN" status | grep -F 'POLICY[0]'
refusals() {  # NS: 100 connections at once from NS -> one line of figures
    "$RIG" x "$1" python3 - <<'PY'
import asyncio, errno, time

async def one(port):
    start = time.monotonic()
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection('192.0.2.10', port), 10)
        writer.close()
        return 'connected', time.monotonic() - start
    except ConnectionRefusedError:
        return 'refused', time.monotonic() - start
    except asyncio.TimeoutError:
        return 'timeout', time.monotonic() - start
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno)), time.monotonic() - start

async def main():
    results = await asyncio.gather(*(one(20200 + i) for i in range(100)))
    kinds = {}
    for kind, _ in results:
        kinds[kind] = kinds.get(kind, 0) + 1
    refused = sorted(t for kind, t in results if kind == 'refused')
    last = f'{refused[-1] * 1000:.0f} ms' if refused else '-'
    median = f'{refused[len(refused) // 2] * 1000:.1f} ms' if refused else '-'
    print(' '.join(f'{k} {v}' for k, v in sorted(kinds.items())), f'| median {median}, last refusal {last}')

asyncio.run(main())
PY
}
for trial in $(seq "${TRIALS:-3}"); do
    echo "trial $trial: LAN host: $(refusals lan)"
    echo "trial $trial: router:   $(refusals router)"
done
