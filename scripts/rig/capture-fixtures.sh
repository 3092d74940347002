#!/bin/bash
# Captures the kernel states under test/fixtures/ on the rig, with the current build:
# `ip -j -N` output of links/addresses, rules and routes, plus the lease records.
# usage: scripts/rig/capture-fixtures.sh   (needs root; see test/fixtures/README.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
RIG=scripts/rig/rig.sh
trap '$RIG down >/dev/null 2>&1 || true' EXIT
$RIG down >/dev/null 2>&1 || true
$RIG up 3 >/dev/null
$RIG install >/dev/null 2>&1
BIN=$($RIG bin)
# the routes that carry their nexthops (a kernel without nexthop objects: these fixtures have no
# nexthops.json); the nexthop objects' fixtures come last
printf 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nNEXTHOP_OBJECTS=no\n' > "$($RIG etc)/default/uplink-lb"

. scripts/rig/capture-state.sh
remove_own() {
    local p
    for p in $($RIG rx ip -j -N rule show | python3 -c 'import json,sys; print(" ".join(str(r["priority"]) for r in json.load(sys.stdin) if r.get("protocol") == "73"))'); do
        $RIG rx ip rule del priority "$p" protocol 73
    done
    $RIG rx ip route flush table 201; $RIG rx ip route flush table 202
    $RIG rx ip route del default metric 10
}

$RIG ifup eth1 >/dev/null 2>&1; $RIG ifup eth2 >/dev/null 2>&1
capture applied-2
remove_own
capture bound-fresh
$RIG rx "$BIN" apply 2>/dev/null
$RIG rx ip rule add priority 500 from 198.19.10.0/24 lookup 300
$RIG rx ip route add 10.99.0.0/16 via 198.18.102.1 table 300
$RIG rx ip route add default via 198.18.102.1 dev eth2 metric 100
$RIG rx ip route append default via 198.18.102.1 dev eth2 metric 10 proto 73
capture foreign-and-duplicates
$RIG rx "$BIN" apply 2>/dev/null
capture foreign-applied
$RIG ifdown eth1 >/dev/null 2>&1
capture eth1-down
# nexthop objects: both uplinks in the group, then isp1's carrier gone (the kernel deleted
# eth1's nexthop, its table's default and its place in the group)
$RIG ifup eth1 >/dev/null 2>&1
printf 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n' > "$($RIG etc)/default/uplink-lb"
$RIG rx "$BIN" apply 2>/dev/null
capture applied-nexthops nexthops
$RIG fail isp1 carrier
sleep 0.5
capture carrier-lost-nexthops nexthops
