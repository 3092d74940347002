#!/bin/bash
# Runs inside the rig's router (rig.sh rx): for every case directory CASES/NAME holding a
# configuration at CASES/NAME/uplink-lb (a file, a directory, a fifo, or nothing), runs the
# hook, a check and apply on it (UPLINK_LB_CONFIG points there), three cases at a time, and
# snapshots the kernel after each step. Writes OUT/NAME.{hook,check,apply}.{rc,err},
# OUT/NAME.snap.{1,2,3}, and OUT/baseline.{before,after} around the whole run.
# usage: corpus-trial.sh BIN HOOK CASES OUT
set -u
bin=$1 hook=$2 cases=$3 out=$4
snapshot() {  # everything a run could change, byte for byte
    { ip rule show; ip -6 rule show; ip route show table all; ip -6 route show table all
      ip nexthop show; nft list ruleset; } 2>&1
}
if [ "${5:-}" = --one ]; then
    name=$6 conf=$cases/$6/uplink-lb
    export UPLINK_LB_CONFIG=$conf
    env IFACE=eth1 MODE=start PHASE=post-up ADDRFAM=inet "$hook" 2> "$out/$name.hook.err"; echo $? > "$out/$name.hook.rc"
    snapshot > "$out/$name.snap.1"
    "$bin" check --once 2> "$out/$name.check.err"; echo $? > "$out/$name.check.rc"
    snapshot > "$out/$name.snap.2"
    "$bin" apply 2> "$out/$name.apply.err"; echo $? > "$out/$name.apply.rc"
    snapshot > "$out/$name.snap.3"
    exit 0
fi
rm -rf "$out"; mkdir -p "$out"
snapshot > "$out/baseline.before"
ls "$cases" | xargs -P 3 -I NAME "$0" "$bin" "$hook" "$cases" "$out" --one NAME
snapshot > "$out/baseline.after"
