#!/bin/bash
# Runs inside the rig's router (rig.sh rx): starts `BIN ARGS...` in a process group of its own,
# freezes the whole group (SIGSTOP) when the run starts its Nth child whose command line
# contains WORDS, runs MEDDLE (sh -c) while it is frozen, and lets it go on (SIGCONT): another
# program changing the kernel at an exact point of a run, such as between observe and apply.
# Prints "paused" or "missed" (the run ended without such a child being seen) on stdout, passes
# the run's stderr through and exits with its status.
# usage: pause-trial.sh WORDS N MEDDLE BIN ARGS...
set -u
words=$1; n=$2; meddle=$3; shift 3
err=$(mktemp -p /run uplink-lb-pause.XXXXXX)   # the router's private /run, not the host's
trap 'rm -f "$err"' EXIT
setsid "$@" >/dev/null 2>"$err" &   # not a group leader here, so setsid execs: $! is the run and its group
pid=$!
declare -A seen=()
count=0
hit=missed
while [ -e "/proc/$pid/task/$pid/children" ] && [ "$hit" = missed ]; do
    children=
    read -r children 2>/dev/null < "/proc/$pid/task/$pid/children"   # no newline at its end: status 1
    for c in $children; do
        [ -n "${seen[$c]:-}" ] && continue
        mapfile -d '' args 2>/dev/null < "/proc/$c/cmdline" || continue   # gone already
        line="${args[*]}"
        [ "${line#*"$words"}" != "$line" ] || continue   # not (yet) exec'd, or another command
        seen[$c]=1
        count=$((count + 1))
        if [ "$count" -eq "$n" ]; then
            kill -STOP -- "-$pid"
            sh -c "$meddle"
            kill -CONT -- "-$pid"
            hit=paused
            break
        fi
    done
done
wait "$pid"
status=$?
echo "$hit"
cat "$err" >&2
exit "$status"
