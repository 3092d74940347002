# uplink-lb dhcpcd hook, sourced by dhcpcd-run-hooks before dhcpcd's own 20-resolv.conf (in one
# shell: it must never exit). While /etc/resolv.conf is uplink-lb's (its first line is
# uplink-lb's comment), dhcpcd's resolv.conf hook is skipped, as `nohook resolv.conf` would:
# otherwise every dhcpcd event (a renewal, a router advertisement) writes dhcpcd's own list over
# the usable uplinks' until uplink-lb's hook (90-uplink-lb) writes it back. uplink-lb learns the
# resolvers from the event itself, so nothing is lost; a file that is not uplink-lb's (never
# written by it, given back by RESOLV_CONF=no or uninstall) is dhcpcd's as before. Where a
# resolvconf program is installed (Debian's resolvconf, openresolv) dhcpcd's hook hands the
# resolvers to it instead, as records uplink-lb works through: that goes on, even while the file
# is still uplink-lb's from before resolvconf came.
if ! command -v "${resolvconf:-resolvconf}" >/dev/null 2>&1 && [ -f /etc/resolv.conf ] && IFS= read -r uplink_lb_first < /etc/resolv.conf; then
    case "$uplink_lb_first" in
    "# uplink-lb:"*) skip_hooks="${skip_hooks:+$skip_hooks }resolv.conf" ;;
    esac
fi
unset uplink_lb_first
