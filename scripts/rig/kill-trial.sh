#!/bin/bash
# Runs inside the rig's router (rig.sh rx): starts `BIN ARGS...` in a process group of its own
# and kills the whole group with SIGKILL, either SECONDS after the start or SECONDS after the
# run starts the `ip ... -batch` child that applies a plan and reads it back (the ones before it
# only read the kernel: one `ip -batch`, and one `ip -6 -batch` where the kernel has IPv6).
# Prints what the kill hit:
# killed-ip-batch | killed-at SECONDS | finished (the run ended before the kill)
# usage: kill-trial.sh after SECONDS BIN ARGS... | kill-trial.sh ip-batch SECONDS BIN ARGS...
set -u
mode=$1; shift
delay=$1; shift
setsid "$@" >/dev/null 2>&1 &   # not a group leader here, so setsid execs: $! is the run and its group
pid=$!
if [ "$mode" = after ]; then
    sleep "$delay"
    if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid"; echo "killed-at $delay"; else echo finished; fi
else
    hit=finished
    # the reads first: IPv4's, and IPv6's where the kernel has it; then the apply
    if [ -d /proc/sys/net/ipv6 ]; then applying=3; else applying=2; fi
    declare -A batches=()
    for _ in $(seq 200000); do
        [ -e "/proc/$pid/task/$pid/children" ] || break   # the run has ended
        children=
        read -r children 2>/dev/null < "/proc/$pid/task/$pid/children"   # no newline at its end: status 1
        for c in $children; do
            [ -n "${batches[$c]:-}" ] && continue
            mapfile -d '' args 2>/dev/null < "/proc/$c/cmdline" || continue   # gone already
            [[ " ${args[*]} " == *" -batch "* && ${args[0]:-} == */ip ]] || continue
            batches[$c]=1
            if [ "${#batches[@]}" -eq "$applying" ]; then
                sleep "$delay"
                kill -KILL -- "-$pid"; hit=killed-ip-batch; break 2
            fi
        done
    done
    echo "$hit"
fi
wait "$pid" 2>/dev/null
exit 0
