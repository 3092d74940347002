# uplink-lb dhcpcd hook, sourced by dhcpcd-run-hooks together with every other hook in one
# shell: it must never exit, and only hands over to the executable. For the uplinks uplink-lb
# manages it records the lease's address and gateway and reconciles (dhcpcd's own default route,
# at metric 1000 + ifindex, is left alone: the balanced route at DEFAULT_ROUTE_METRIC wins).
# IPv6: a DHCPv6 lease's delegated prefixes and resolvers are recorded, and a router
# advertisement's resolvers (RDNSS) too, and it reconciles.
case "$reason" in
BOUND|RENEW|REBIND|REBOOT|STATIC|EXPIRE|NAK|STOP|STOPPED|NOCARRIER|NOCARRIER_ROAMING|RELEASE|DEPARTED|FAIL|CARRIER|\
BOUND6|RENEW6|REBIND6|REBOOT6|INFORM6|EXPIRE6|RELEASE6|STOP6|ROUTERADVERT)
    if [ -x @SBINDIR@/uplink-lb ]; then
        @SBINDIR@/uplink-lb dhcpcd-hook || :
    fi
    ;;
esac
