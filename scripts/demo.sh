#!/bin/bash
# make demo: the real thing on simulated ISPs. Brings up two ISPs in network namespaces,
# installs this build into the router namespace, ifups both uplinks (weights 2:1), shows
# status and how 300 new LAN connections spread, takes one ISP down and back, tears down.
set -euo pipefail
cd "$(dirname "$0")/.."
RIG=scripts/rig/rig.sh

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
trap '$RIG down >/dev/null 2>&1 || true' EXIT

[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces)" >&2; exit 1; }
$RIG down >/dev/null 2>&1 || true
step "two simulated ISPs (dnsmasq DHCP), a LAN client and an 'internet' server, in namespaces"
$RIG up 2
step "make install into the router namespace's /etc"
$RIG install | sed 's/^/  /'
BIN=$($RIG bin)
cat > "$($RIG etc)/default/uplink-lb" <<'CONF'
IFACE_DEVICE=( eth1 eth2 )
IFACE_WEI=( 2 1 )
CHECK_TARGETS=( 192.0.2.20 )
CONF
$RIG x inet ip addr add 192.0.2.20/32 dev lo   # the probe target, beside the server
chmod 600 "$($RIG etc)/default/uplink-lb"
step "configuration (/etc/default/uplink-lb)"
cat "$($RIG etc)/default/uplink-lb"
step "ifup eth1 eth2 (real ifupdown and dhclient; the if-up.d hook reconciles)"
$RIG ifup eth1 >/dev/null 2>&1
$RIG ifup eth2 >/dev/null 2>&1
step "uplink-lb status"
$RIG rx "$BIN" status
step "ip route show default"
$RIG rx ip route show default
step "ip rule"
$RIG rx ip rule
step "300 new TCP connections from the LAN client, counted per ISP (weights 2:1)"
$RIG dist 300 lan
step "ifdown eth1: the default route is rebuilt over eth2 alone"
$RIG ifdown eth1 >/dev/null 2>&1
$RIG rx ip route show default
$RIG dist 60 lan
step "ifup eth1: back to both"
$RIG ifup eth1 >/dev/null 2>&1
$RIG rx ip route show default
$RIG dist 300 lan
step "isp1's upstream dies (its gateway still answers): the health check drains it"
setsid "$RIG" rx "$BIN" check </dev/null >/dev/null 2>&1 &
check=$!
sleep 2
$RIG fail isp1 upstream
start=$(date +%s.%N)
while $RIG rx ip route show default | grep -q eth1; do sleep 0.1; done
echo "eth1 left the default route $(elapsed "$start") s after the failure"
$RIG rx "$BIN" status | head -6
$RIG dist 150 lan 1
step "isp1 recovers: back by itself"
$RIG fail isp1 none
start=$(date +%s.%N)
while ! $RIG rx ip route show default | grep -q eth1; do sleep 0.1; done
echo "eth1 back in the default route $(elapsed "$start") s after the repair"
$RIG dist 300 lan
kill "$check" 2>/dev/null || true
step "tearing down"
