#!/bin/bash
# Name resolution through a dead ISP, measured (issue 28): on a rig where each ISP's DHCP server
# hands out a resolver of its own that sits beyond its gateway and answers only its customers
# (RIG_DNS), the router runs dnsmasq as the LAN's resolver with its defaults (upstreams from the
# router's /etc/resolv.conf, which the DHCP clients write and uplink-lb keeps to the usable
# uplinks' resolvers), and the LAN client looks up a new
# name under test.example 50 times a second with a 2-s timeout. Phases: both ISPs healthy; isp2's
# upstream dead (isp2 bound last, so its resolver is the one in resolv.conf), then repaired;
# isp1's upstream dead, then repaired. Per phase: lookups, failed (no answer, or an error code)
# counted from 1 s after the phase began, and the latency p50 and p99 of the answers.
# usage: scripts/measure/dns-failover.sh   (needs root; uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
export RIG_DNS=1
TARGETS=192.0.2.20
EXTRA='CHECK_INTERVAL=0.5\nCHECK_TIMEOUT=0.5\n'
. scripts/measure/rig-setup.sh
start_check 6
$RIG lan-dns
echo "resolv.conf: $(grep nameserver "$($RIG etc)/resolv.conf" | tr '\n' ' ')" >&2
RIG=$RIG python3 - <<'PY'
import json, os, subprocess
rig = os.environ['RIG']
def phase(name, seconds, action=None):
    if action:
        subprocess.run([rig, 'fail', *action], check=True)
    out = subprocess.run([rig, 'lookups', '50', str(seconds), '2'], capture_output=True, text=True, check=True).stdout
    lines = [json.loads(l) for l in out.splitlines() if l.startswith('{"at"')]
    counted = [l for l in lines if l['at'] >= 1]
    failed = [l for l in counted if l['rcode'] != 0]
    ms = sorted(l['ms'] for l in counted if l['rcode'] == 0)
    pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))] if ms else None
    print(json.dumps({'phase': name, 'lookups': len(counted), 'failed': len(failed), 'p50_ms': pick(0.5), 'p99_ms': pick(0.99)}), flush=True)
phase('both healthy', 10)
phase('isp2 upstream dead', 15, ['isp2', 'upstream'])
phase('isp2 repaired', 10, ['isp2', 'none'])
phase('isp1 upstream dead', 15, ['isp1', 'upstream'])
phase('isp1 repaired', 10, ['isp1', 'none'])
PY
