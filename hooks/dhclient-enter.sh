# uplink-lb dhclient enter hook (sourced by dhclient-script with /bin/sh).
# For the uplinks uplink-lb manages, dhclient must not install a default route of its own:
# uplink-lb builds one weighted route over all uplinks. The lease's address and gateway are
# recorded under the run directory instead. Other interfaces are left alone.
case "$reason" in
BOUND|RENEW|REBIND|REBOOT|TIMEOUT)
    # not installed or unable to run: dhclient installs its default route as usual
    if [ -x @SBINDIR@/uplink-lb ] && @SBINDIR@/uplink-lb dhclient-enter; then
        if [ "$reason" = TIMEOUT ]; then
            # Keep new_routers so dhclient-script still pings the recorded gateway before it
            # reuses the old lease; a non-empty classless-routes value makes it skip the
            # default route (the rfc3442 exit hook ignores TIMEOUT).
            new_rfc3442_classless_static_routes="uplink-lb"
        else
            unset new_routers new_rfc3442_classless_static_routes
        fi
    fi
    ;;
esac
