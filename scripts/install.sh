#!/bin/bash
# install.sh install|uninstall BUILT_EXECUTABLE — run by `make install` / `make uninstall`.
# Honours DESTDIR, PREFIX (default /usr/local), SYSCONFDIR (default /etc), RUNDIR (default
# /run/uplink-lb, as built), DHCPCD_HOOKDIR (default /usr/lib/dhcpcd/dhcpcd-hooks) and PPP_HOOKDIR
# (default SYSCONFDIR/ppp: pppd's ip-up.d and ip-down.d are under it).
# Installing twice changes nothing; uninstall removes exactly what install adds and keeps the
# configuration. On a machine where systemd is PID 1 (and DESTDIR is empty, SYSCONFDIR /etc),
# install enables and starts uplink-lb.timer, which keeps the health check running, and
# uninstall stops and disables it first. Install refuses an executable that
# cannot start here, naming what is missing (scripts/runtime-check.sh).
set -euo pipefail

action=${1:?usage: install.sh install|uninstall EXECUTABLE}
exe=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
RUNDIR=${RUNDIR:-/run/uplink-lb}
DESTDIR=${DESTDIR:-}
sbindir=$PREFIX/sbin
bin=$DESTDIR$sbindir/uplink-lb
etc=$DESTDIR$SYSCONFDIR
hook_up=$etc/network/if-up.d/uplink-load-balancing
hook_down=$etc/network/if-down.d/uplink-load-balancing
enter=$etc/dhcp/dhclient-enter-hooks.d/uplink-lb
exit_hook=$etc/dhcp/dhclient-exit-hooks.d/uplink-lb
ppp_dir=$DESTDIR${PPP_HOOKDIR:-$SYSCONFDIR/ppp}
ppp_up=$ppp_dir/ip-up.d/uplink-lb
ppp_down=$ppp_dir/ip-down.d/uplink-lb
tables=$etc/iproute2/rt_tables.d/uplink-lb.conf
protos=$etc/iproute2/rt_protos.d/uplink-lb.conf
config=$etc/default/uplink-lb
libdir=$PREFIX/lib/uplink-lb
cron_check=$DESTDIR$libdir/cron-check
cron_start=$DESTDIR$libdir/cron-start
ha_notify=$DESTDIR$libdir/ha-notify
cron_file=$etc/cron.d/uplink-lb
dhcpcd_hook=$DESTDIR${DHCPCD_HOOKDIR:-/usr/lib/dhcpcd/dhcpcd-hooks}/90-uplink-lb
dhcpcd_resolv_hook=$DESTDIR${DHCPCD_HOOKDIR:-/usr/lib/dhcpcd/dhcpcd-hooks}/19-uplink-lb-resolv
man8=$DESTDIR$PREFIX/share/man/man8/uplink-lb.8.gz
man5=$DESTDIR$PREFIX/share/man/man5/uplink-lb.conf.5.gz
completion=$DESTDIR$PREFIX/share/bash-completion/completions/uplink-lb
examples=$DESTDIR$PREFIX/share/doc/uplink-lb/examples/events.d
events_dir=$etc/uplink-lb/events.d
unitdir=$DESTDIR$PREFIX/lib/systemd/system
service=$unitdir/uplink-lb.service
timer=$unitdir/uplink-lb.timer

say() { echo "install: $*"; }

# systemd is PID 1 here and this install is the machine's own (not into DESTDIR or a test's
# SYSCONFDIR): only then does install or uninstall start or stop anything
systemd_here() { [ -z "$DESTDIR" ] && [ "$SYSCONFDIR" = /etc ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }

manpage() {  # gzip -9n a manual page next to the build (reproducible: no name, no time)
    local out
    out=$(dirname "$exe")/$(basename "$1").gz
    gzip -9nc "$1" > "$out"
    echo "$out"
}

# put_file SOURCE TARGET MODE: copy only when the content or mode differs
put_file() {
    local src=$1 dst=$2 mode=$3
    mkdir -p "$(dirname "$dst")"
    if [ -f "$dst" ] && [ ! -L "$dst" ] && cmp -s "$src" "$dst" && [ "$(stat -c %a "$dst")" = "$mode" ]; then return 0; fi
    install -m "$mode" "$src" "$dst.uplink-lb-new"
    mv -f "$dst.uplink-lb-new" "$dst"
    say "$dst"
}

# put_link TARGET LINK: hard link LINK to TARGET, or a symbolic link across filesystems
put_link() {
    local target=$1 link=$2
    mkdir -p "$(dirname "$link")"
    if [ -e "$link" ] && [ "$link" -ef "$target" ]; then return 0; fi
    if ln -f "$target" "$link" 2>/dev/null; then
        say "$link (hard link to $target)"
    else
        ln -sfn "$sbindir/uplink-lb" "$link"
        say "$link is a symbolic link to $sbindir/uplink-lb: $(dirname "$link") is on another filesystem than $sbindir"
    fi
}

snippet() {  # render a hook template with the install's sbin directory, next to the build (never /tmp)
    local out
    out=$(dirname "$exe")/$(basename "$1").rendered
    sed "s|@SBINDIR@|$sbindir|g; s|@LIBDIR@|$libdir|g; s|@RUNDIR@|$RUNDIR|g" "$1" > "$out"
    echo "$out"
}

case "$action" in
install)
    [ -x "$exe" ] || { echo "install: $exe is not built (run make)" >&2; exit 1; }
    "$root/scripts/runtime-check.sh" "$exe" "$DESTDIR"
    put_file "$exe" "$bin" 755
    put_file "$(snippet "$root/hooks/ifupdown-hook.sh")" "$hook_up" 755
    put_file "$(snippet "$root/hooks/ifupdown-hook.sh")" "$hook_down" 755
    put_file "$(snippet "$root/hooks/dhcpcd-hook.sh")" "$dhcpcd_hook" 644
    put_file "$root/hooks/dhcpcd-resolv-hook.sh" "$dhcpcd_resolv_hook" 644
    put_file "$(snippet "$root/hooks/dhclient-enter.sh")" "$enter" 644
    put_file "$(snippet "$root/hooks/dhclient-exit.sh")" "$exit_hook" 644
    put_file "$(snippet "$root/hooks/ppp-hook.sh")" "$ppp_up" 755
    put_file "$(snippet "$root/hooks/ppp-hook.sh")" "$ppp_down" 755
    put_link "$bin" "$cron_check"
    put_file "$(snippet "$root/hooks/cron-start.sh")" "$cron_start" 755
    put_file "$(snippet "$root/hooks/ha-notify.sh")" "$ha_notify" 755
    put_file "$(snippet "$root/hooks/cron.d")" "$cron_file" 644
    put_file "$(snippet "$root/hooks/uplink-lb.service")" "$service" 644
    put_file "$root/hooks/uplink-lb.timer" "$timer" 644
    put_file "$root/hooks/rt_tables.conf" "$tables" 644
    put_file "$root/hooks/rt_protos.conf" "$protos" 644
    put_file "$(manpage "$root/man/uplink-lb.8")" "$man8" 644
    put_file "$(manpage "$root/man/uplink-lb.conf.5")" "$man5" 644
    put_file "$root/hooks/bash-completion" "$completion" 644
    put_file "$root/examples/events.d/mail" "$examples/mail" 644
    put_file "$root/examples/events.d/webhook" "$examples/webhook" 644
    if [ -e "$config" ]; then
        :
    else
        put_file "$root/hooks/uplink-lb.default" "$config" 600
        say "edit $config, then: uplink-lb validate"
    fi
    if systemd_here; then
        systemctl daemon-reload
        systemctl enable --now uplink-lb.timer 2>&1 | sed 's/^/install: /'
        say "systemd runs the health check (uplink-lb.timer, uplink-lb.service); cron's entry steps aside"
    fi
    ;;
uninstall)
    if systemd_here && [ -e "$timer" ]; then
        systemctl disable --now uplink-lb.timer 2>&1 | sed 's/^/install: /'
        systemctl stop uplink-lb.service
    fi
    # the resolver files it manages, as they were before it (RESOLV_CONF)
    if [ -x "$bin" ] && [ -z "$DESTDIR" ]; then "$bin" release-resolvers 2>&1 | sed 's/^/install: /'; fi
    for f in "$timer" "$service" "$cron_file" "$cron_start" "$ha_notify" "$cron_check" "$hook_up" "$hook_down" "$enter" "$exit_hook" "$ppp_up" "$ppp_down" "$dhcpcd_hook" "$dhcpcd_resolv_hook" "$tables" "$protos" "$man8" "$man5" "$completion" "$examples/mail" "$examples/webhook" "$bin"; do
        if [ -e "$f" ] || [ -L "$f" ]; then rm -f "$f"; say "removed $f"; fi
    done
    rmdir "$DESTDIR$libdir" "$examples" "$(dirname "$examples")" 2>/dev/null || true
    rmdir "$unitdir" "$(dirname "$unitdir")" 2>/dev/null || true
    if systemd_here; then systemctl daemon-reload; fi
    # pppd's hook directories, when install made them (ppp not installed) and nothing else is there
    rmdir "$(dirname "$ppp_up")" "$(dirname "$ppp_down")" "$ppp_dir" 2>/dev/null || true
    # the event hooks directory goes only when empty: the hooks in it are yours
    rmdir "$events_dir" "$(dirname "$events_dir")" 2>/dev/null || true
    [ -e "$config" ] && say "kept $config (your configuration)"
    ;;
*) echo "usage: install.sh install|uninstall EXECUTABLE" >&2; exit 2 ;;
esac
