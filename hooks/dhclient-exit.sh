# uplink-lb dhclient exit hook (sourced by dhclient-script with /bin/sh).
# A renewal that changed an uplink's address or gateway runs no if-up hook: reconcile here.
case "$reason" in
BOUND|RENEW|REBIND|REBOOT|TIMEOUT|EXPIRE|FAIL|RELEASE|STOP)
    if [ -x @SBINDIR@/uplink-lb ]; then @SBINDIR@/uplink-lb dhclient-exit || true; fi
    ;;
esac
