#!/bin/bash
# IPv6 native mode, measured: on a dual-stack rig (RIG_IPV6) with IPV6_LAN=( lan0 ) and a check
# running, the LAN client's ISP (the one whose prefix its new connections come from) has its
# upstream killed while the client opens 20 new IPv6 connections a second. Read every 20 ms with
# `ip -n` (no shell in between): the failure to the uplink out of the IPv6 default route, to the
# client's address of that ISP's prefix deprecated, the client's failed connections and when the
# last failed; then the repair to its address preferred again. TRIALS (default 3).
# usage: scripts/measure/ipv6-failover.sh   (needs root; uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
export RIG_IPV6=1
EXTRA='IPV6_LAN=( lan0 )\nHASH_POLICY=l4\n'
. scripts/measure/rig-setup.sh
start_check 8
P=${RIG_NAME:-uplink-lb} TRIALS=${TRIALS:-3} python3 - <<'PY'
import json, os, subprocess, threading, time
p, trials = os.environ['P'], int(os.environ['TRIALS'])
rig = 'scripts/rig/rig.sh'
def ip(ns, *args):
    return subprocess.run(['ip', '-n', f'{p}-{ns}', *args], capture_output=True, text=True).stdout
def lan_address(i):
    for link in json.loads(ip('lan', '-6', '-j', 'addr', 'show', 'dev', 'eth0', 'scope', 'global')):
        for a in link['addr_info']:
            if a.get('local', '').startswith(f'2001:db8:{i}:100:'):
                return a
    return None
def in_route6():
    return ip('router', '-6', 'route', 'show', 'default', 'metric', '10')
def stream(seconds, out):
    proc = subprocess.run([rig, 'x', 'lan', 'python3', 'scripts/rig/stream.py', '2001:db8:ff::10', '20000', '400', '20', str(seconds), '1', 'isp1=2001:db8:1:', 'isp2=2001:db8:2:'], capture_output=True, text=True)
    out.extend(json.loads(line) for line in proc.stdout.splitlines())
for trial in range(1, trials + 1):
    probe = subprocess.run([rig, 'connect', 'lan', '2001:db8:ff::10', '20000', '10', '1'], capture_output=True, text=True).stdout
    used = 1 if json.loads(probe)['isp1'] == 10 else 2
    lines = []
    streamer = threading.Thread(target=stream, args=(12, lines))
    streamer.start()
    time.sleep(3)
    failed_at = time.monotonic()
    subprocess.run([rig, 'fail', f'isp{used}', 'upstream'], check=True)
    route = deprecated = None
    while time.monotonic() - failed_at < 8 and (route is None or deprecated is None):
        now = time.monotonic() - failed_at
        if route is None and f'eth{used}' not in in_route6():
            route = now
        if deprecated is None and (lan_address(used) or {}).get('deprecated'):
            deprecated = now
        time.sleep(0.02)
    streamer.join()
    start = lines[0]['start']
    conns = [(start + at - failed_at, isp) for at, isp in lines[1:]]
    failed = [t for t, isp in conns if isp == 'fail' and t >= 0]
    after = [t for t, isp in conns if t >= (deprecated or 0)]
    other = sum(1 for t, isp in conns if isp == f'isp{3 - used}' and t >= 0)
    repaired_at = time.monotonic()
    subprocess.run([rig, 'fail', f'isp{used}', 'none'], check=True)
    back = None
    while time.monotonic() - repaired_at < 20 and back is None:
        if lan_address(used) and not lan_address(used).get('deprecated'):
            back = time.monotonic() - repaired_at
        time.sleep(0.05)
    fmt = lambda v: 'never' if v is None else f'{v:.2f} s'
    print(f"trial {trial} (the LAN used isp{used}): out of the IPv6 route {fmt(route)}, LAN address deprecated {fmt(deprecated)}; "
          f"{len(failed)} of {sum(1 for t, _ in conns if t >= 0)} new connections failed after the failure, the last at {fmt(max(failed) if failed else None)}, "
          f"{sum(1 for t in failed if t >= (deprecated or 0))} after the deprecation; {other} through isp{3 - used}; preferred again {fmt(back)} after the repair")
    time.sleep(4)
PY
kill "$CHECK"; wait "$CHECK" 2>/dev/null || true
