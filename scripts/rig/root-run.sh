#!/bin/bash
# root-run.sh ROOT CMD... — CMD in the Debian root at ROOT (chroot), in the caller's network
# namespace (apt reaches the mirror), with the root's /proc and /dev mounted in a mount namespace
# of its own, so nothing shows outside. The host's resolv.conf is bound read-only over the
# root's (which a router's DHCP client rewrites with the simulated ISPs' servers) unless the
# root's is a link. Used by rig.sh (RIG_ROOT) and pair.sh (PAIR_ROOT).
set -eu
root=${1:?usage: root-run.sh ROOT CMD...}
shift
[ -d "$root/etc" ] || { echo "root-run: no Debian root at $root" >&2; exit 1; }
exec unshare --mount --propagation private /bin/sh -c \
    'r=$1; shift; mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
     { [ -L "$r/etc/resolv.conf" ] || { [ -f "$r/etc/resolv.conf" ] && mount --bind -o ro /etc/resolv.conf "$r/etc/resolv.conf"; }; } &&
     DEBIAN_FRONTEND=noninteractive exec chroot "$r" "$@"' \
    root_run "$root" "$@"
