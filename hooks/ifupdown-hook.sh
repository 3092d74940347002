#!/bin/sh
# uplink-lb's ifupdown hook, installed in /etc/network/if-up.d and if-down.d.
# It hands over to the executable, which reads IFACE and MODE. uplink-lb's own verdicts pass
# through (0 done or not an uplink, 1 an uplink whose configuration or change failed, 2 bad
# input from ifupdown). When uplink-lb itself cannot run (executable gone after `apt remove`,
# a shared library missing, a crash), ifup and ifdown go on as if it were not installed: that is
# logged, and the interface comes up with whatever its DHCP client or configuration gives it.
exe=@SBINDIR@/uplink-lb
[ -x "$exe" ] || exit 0
# never an uplink: loopback, and `ifup -a`'s own runs (IFACE=--all, ADDRFAM=meta) before and
# after the interfaces'. Decided here, as the executable would, without starting it: at every
# boot and `ifup -a` (a second or more on a slow board)
case ${IFACE:-} in lo|--all) exit 0 ;; esac
[ "${ADDRFAM:-}" != meta ] || exit 0
"$exe" ifupdown-hook
rc=$?
case $rc in
0|1|2) exit $rc ;;
esac
msg="$exe could not run (exit $rc) for ${IFACE:-?} ${MODE:-?}; routes left as they are. See why: $exe --version"
logger -t uplink-lb -p daemon.err -- "$msg" 2>/dev/null || true
echo "uplink-load-balancing: $msg" >&2
exit 0
