#!/bin/bash
# Captures, under test/fixtures/, what the DHCP clients of a minimal Debian 13 router leave in
# the kernel before uplink-lb acts (RIG_ROOT=trixie; uplink-lb not installed): dhcpcd-bound
# (dhcpcd's defaults at metric 1000 + ifindex) and udhcpc-bound (udhcpc's default at metric 0;
# the second uplink's add fails: a default at metric 0 exists). Needs root and the mirror.
# usage: scripts/rig/capture-client-fixtures.sh   (see test/fixtures/README.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
export RIG_ROOT=trixie RIG_NAME=uplink-lb-fx
RIG=scripts/rig/rig.sh
trap '$RIG down >/dev/null 2>&1 || true' EXIT
$RIG down >/dev/null 2>&1 || true
$RIG up 2 >/dev/null

. scripts/rig/capture-state.sh

$RIG ifup eth1 >/dev/null 2>&1; $RIG ifup eth2 >/dev/null 2>&1
capture dhcpcd-bound
$RIG ifdown eth1 >/dev/null 2>&1; $RIG ifdown eth2 >/dev/null 2>&1
$RIG apt install -y -q udhcpc >/dev/null
$RIG ifup eth1 >/dev/null 2>&1; $RIG ifup eth2 >/dev/null 2>&1
capture udhcpc-bound
