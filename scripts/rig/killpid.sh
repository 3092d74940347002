#!/bin/bash
# killpid.sh PIDFILE COMM — stops a process that rig.sh or pair.sh started, by the pid it
# recorded in PIDFILE, and only while that pid still runs COMM (a pid used again by another
# program is left alone); then removes PIDFILE. SIGCONT first (a frozen process cannot end), then
# SIGTERM, up to 2 s for it to end, then SIGKILL. Ended means gone or a zombie: its parent (a
# script long ended) left it to PID 1, which may reap it seconds later (this machine's reaps
# every 2 s, which held the pair's teardown 22 s when only a vanished /proc entry counted).
set -u
f=${1:?usage: killpid.sh PIDFILE COMM}
comm=${2:?usage: killpid.sh PIDFILE COMM}
[ -s "$f" ] || exit 0
pid=$(cat "$f")
if [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ]; then
    kill -CONT "$pid" 2>/dev/null
    kill "$pid" 2>/dev/null
    for _ in $(seq 40); do
        case "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$pid/status" 2>/dev/null)" in ''|Z) break ;; esac
        sleep 0.05
    done
    kill -9 "$pid" 2>/dev/null
fi
rm -f "$f"
exit 0
