# Sourced by the measure scripts (from the project root): a fresh rig with two DHCP uplinks
# weighted 2:1, the probe target 192.0.2.20, uplink-lb installed and both uplinks up; the rig
# goes down when the script exits. Sets RIG and BIN.
RIG=scripts/rig/rig.sh
trap '$RIG down >/dev/null 2>&1 || true' EXIT
$RIG down >/dev/null 2>&1 || true
$RIG up 2 >/dev/null
$RIG install >/dev/null 2>&1
$RIG x inet ip addr add 192.0.2.20/32 dev lo
BIN=$($RIG bin)
# flap damping off: the measurements fail isp1 again and again on purpose
printf 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( 192.0.2.20 )\nCHECK_FLAP_HOLD=0\n' > "$($RIG etc)/default/uplink-lb"
$RIG ifup eth1 >/dev/null 2>&1; $RIG ifup eth2 >/dev/null 2>&1
