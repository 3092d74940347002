#!/bin/bash
# Measures what connection pinning is for: 200 long-lived LAN connections through NAT (a line
# every 0.5 s each), counting those that break when isp1 is drained and when it comes back,
# with CONNECTION_PINNING=yes and =no. isp1 is drained by dropping only ICMP at isp1, so the
# probes fail while TCP still flows: every broken connection is the pool change's doing.
# usage: scripts/measure/pinning.sh   (needs root; uses the uplink-lb-* namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/measure/rig-setup.sh
check_pid=
ensure_check() {
    if [ -z "$check_pid" ] || ! kill -0 "$check_pid" 2>/dev/null; then
        setsid "$RIG" rx "$BIN" check </dev/null >/dev/null 2>&1 &
        check_pid=$!
    fi
}
has_eth1() { $RIG rx ip route show default metric 10 | grep -q "dev eth1"; }
wait_eth1() {  # in|out
    while :; do
        ensure_check
        if [ "$1" = in ] && has_eth1; then return; fi
        if [ "$1" = out ] && ! has_eth1; then return; fi
        sleep 0.2
    done
}
count() {  # FILE: opened per ISP and broken per ISP
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); b=d["broken"]; print("opened", d["opened"]["isp1"], "/", d["opened"]["isp2"], "| broken on isp1", sum(1 for t,i in b if i=="isp1"), "on isp2", sum(1 for t,i in b if i=="isp2"))' "$1"
}
out=$(mktemp -d)
for pinning in yes no; do
    printf 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( 192.0.2.20 )\nCHECK_FLAP_HOLD=0\nCONNECTION_PINNING=%s\n' "$pinning" > "$($RIG etc)/default/uplink-lb"
    $RIG rx "$BIN" apply >/dev/null 2>&1
    wait_eth1 in
    # drain: connections opened with both ISPs up, isp1 drained while they run
    $RIG hold 200 20 > "$out/drain" & holder=$!
    sleep 3; $RIG fail isp1 icmp; wait_eth1 out; $RIG fail isp1 none; wait "$holder"
    echo "pinning=$pinning, isp1 drained:  $(count "$out/drain")"
    wait_eth1 in
    # restore: connections opened while isp1 is out, isp1 coming back while they run
    $RIG fail isp1 icmp; wait_eth1 out
    $RIG hold 200 20 > "$out/restore" & holder=$!
    sleep 3; $RIG fail isp1 none; wait_eth1 in; wait "$holder"
    echo "pinning=$pinning, isp1 restored: $(count "$out/restore")"
done
rm -rf "$out"
kill "$check_pid" 2>/dev/null || true
