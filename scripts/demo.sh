#!/bin/bash
# make demo: the real thing on simulated ISPs. Brings up two ISPs in network namespaces,
# installs this build into the router namespace, ifups both uplinks (weights 2:1), shows
# status and how 300 new LAN connections spread, takes one ISP down and back, tears down.
set -euo pipefail
cd "$(dirname "$0")/.."
RIG=scripts/rig/rig.sh

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
CONF
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
step "tearing down"
