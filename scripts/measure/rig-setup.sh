# Sourced by the measure scripts (from the project root): a fresh rig with two DHCP uplinks
# weighted 2:1, the probe targets TARGETS (default 192.0.2.20) in the "internet", EXTRA
# configuration lines (default none), uplink-lb installed and both uplinks up; the rig goes
# down when the script exits. Sets RIG and BIN.
TARGETS=${TARGETS:-192.0.2.20}
EXTRA=${EXTRA:-}
RIG=scripts/rig/rig.sh
trap '$RIG down >/dev/null 2>&1 || true' EXIT
$RIG down >/dev/null 2>&1 || true
$RIG up 2 >/dev/null
$RIG install >/dev/null 2>&1
for target in $TARGETS; do $RIG x inet ip addr add "$target/32" dev lo; done
BIN=$($RIG bin)
# flap damping off: the measurements fail isp1 again and again on purpose
printf 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( %s )\nCHECK_FLAP_HOLD=0\n%b' "$TARGETS" "$EXTRA" > "$($RIG etc)/default/uplink-lb"
$RIG ifup eth1 >/dev/null 2>&1; $RIG ifup eth2 >/dev/null 2>&1
# start_check [SECONDS]: a health check running in the router (CHECK is its pid), given SECONDS
# (default 6) to judge every uplink up before the measurement
start_check() {
    setsid "$RIG" rx "$BIN" check </dev/null >/dev/null 2>&1 &
    CHECK=$!
    sleep "${1:-6}"
}
