#!/bin/bash
# Captures the dual-stack kernel states under test/fixtures/ (see test/fixtures/README.md) on a
# RIG_IPV6 rig with the current build: two ISPs that advertise their WAN networks and delegate a
# /56 each (dhclient -6 -P), weighted 2:1, with nexthop objects.
#   dual-applied   both uplinks up in both families, uplink-lb applied
#   dual-v4only    the same router after IPV6_MODE=off: uplink-lb's IPv6 objects gone
# usage: scripts/rig/capture-ipv6-fixtures.sh   (needs root)
set -euo pipefail
cd "$(dirname "$0")/../.."
RIG=scripts/rig/rig.sh
trap '$RIG down >/dev/null 2>&1 || true' EXIT
$RIG down >/dev/null 2>&1 || true
RIG_IPV6=1 $RIG up 2 >/dev/null
$RIG install >/dev/null 2>&1
BIN=$($RIG bin)
conf=$($RIG etc)/default/uplink-lb
printf 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n' > "$conf"
. scripts/rig/capture-state.sh
timeout 60 $RIG ifup eth1 >/dev/null 2>&1; timeout 60 $RIG ifup eth2 >/dev/null 2>&1
# both routers advertised and both prefixes delegated
for _ in $(seq 100); do
    [ "$($RIG rx ip -6 route show default proto ra | wc -l)" = 2 ] && $RIG rx test -e /run/uplink-lb/prefix6.eth1 && $RIG rx test -e /run/uplink-lb/prefix6.eth2 && break
    sleep 0.2
done
$RIG rx "$BIN" apply >/dev/null
capture dual-applied nexthops ipv6
printf 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nIPV6_MODE=off\n' > "$conf"
$RIG rx "$BIN" apply >/dev/null
capture dual-v4only nexthops ipv6
