#!/bin/sh
# uplink-lb: what cron runs every minute (/etc/cron.d/uplink-lb). A health check run probes for
# CHECK_RUN_MINUTES and hands over to the cron start at its deadline. While a run is alive and
# not about to hand over, this start ends here, without starting the executable: its start
# alone (about 0.2 s of CPU) costs more than a minute of probing.
# Alive: it wrote its health record within the last 10 s (it does every 2 s). A run that
# stopped writing (killed, hung) is not trusted: the executable starts and takes over, or
# finds the lock still held and says so.
# Where systemd is PID 1 and uplink-lb.timer is enabled, systemd runs the check: this ends here.
[ -d /run/systemd/system ] && [ -e /etc/systemd/system/timers.target.wants/uplink-lb.timer ] && exit 0
run=@RUNDIR@
if read -r state < "$run/check.json" 2>/dev/null; then
    # {"pid":...,"started":...,"deadline":MS}, written by the run
    deadline=${state##*\"deadline\":}
    deadline=${deadline%%[!0-9]*}
    now=$(date +%s)
    written=$(stat -c %Y "$run/health.json" 2>/dev/null) || written=0
    if [ -n "$deadline" ] && [ -n "$now" ] && [ $((deadline / 1000 - now)) -gt 30 ] && [ $((now - written)) -lt 10 ]; then
        exit 0
    fi
fi
# One malloc arena: glibc gives each of the runtime's helper threads an arena of its own, and
# those grew the run's resident memory by about 0.5 MB a minute (rig, 2 uplinks x 2 targets:
# anonymous memory 13.8 -> 17.8 MB in 6 minutes with them, 13.4 -> 15.6 MB with one).
GLIBC_TUNABLES=${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.arena_max=1
export GLIBC_TUNABLES
exec @LIBDIR@/cron-check
