# uplink-lb dhclient exit hook (sourced by dhclient-script with /bin/sh).
# A renewal that changed an uplink's address or gateway runs no if-up hook: reconcile here.
# dhclient -6 -P: the delegated prefix is recorded and routed from (IPv6, native mode).
case "$reason" in
BOUND|RENEW|REBIND|REBOOT|TIMEOUT|EXPIRE|FAIL|RELEASE|STOP|BOUND6|RENEW6|REBIND6|REBOOT6|EXPIRE6|RELEASE6|STOP6)
    if [ -x @SBINDIR@/uplink-lb ]; then @SBINDIR@/uplink-lb dhclient-exit || true; fi
    ;;
esac
