#!/bin/sh
# uplink-lb's pppd hook, installed as /etc/ppp/ip-up.d/uplink-lb and /etc/ppp/ip-down.d/uplink-lb
# (run-parts runs it with what /etc/ppp/ip-up and ip-down export: PPP_IFACE, PPP_LOCAL,
# PPP_REMOTE, ...). It hands over to the executable, which reconciles when PPP_IFACE is an
# uplink: its link came up (perhaps with a new address), or is going down. pppd is never held
# up by it failing.
exe=@SBINDIR@/uplink-lb
[ -x "$exe" ] || exit 0
case "$0" in
*/ip-down.d/*) phase=down ;;
*) phase=up ;;
esac
"$exe" ppp-hook "$phase" || logger -t uplink-lb -p daemon.err -- "ppp-hook $phase for ${PPP_IFACE:-?} failed (exit $?)" 2>/dev/null
exit 0
