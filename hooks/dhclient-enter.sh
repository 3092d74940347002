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
# While /etc/resolv.conf is uplink-lb's (its first line is uplink-lb's comment), dhclient-script
# does not write it (make_resolv_conf, which Debian lets an enter hook replace): otherwise every
# bind and renewal puts the lease's list over the usable uplinks' until the exit hook's run
# writes it back. uplink-lb learns the resolvers from the lease itself; a file that is not
# uplink-lb's (one given back by RESOLV_CONF=no or uninstall) is dhclient's. Where a resolvconf
# program is installed, its own enter hook's make_resolv_conf (records, which uplink-lb works
# through) stays, even while the file is still uplink-lb's from before resolvconf came.
if [ ! -x /sbin/resolvconf ] && [ ! -x /usr/sbin/resolvconf ] && [ -f /etc/resolv.conf ] && IFS= read -r uplink_lb_first < /etc/resolv.conf; then
    case "$uplink_lb_first" in
    "# uplink-lb:"*) make_resolv_conf() { :; } ;;
    esac
fi
unset uplink_lb_first
