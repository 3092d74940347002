#!/bin/bash
# vm-root.sh [DEST] — a Debian 13 root that boots as a virtual machine under qemu, for the tests
# that need a kernel with what this machine's lacks (PPP and PPPoE). It is the test root of
# debian-root.sh (trixie) with Debian's kernel, its initramfs, pppd, pppoe-server, dnsmasq,
# dhclient, nftables, busybox (a syslog daemon and a small web server) and what the uplink-lb
# package depends on installed by apt.
# Made once and cached as trixie-vm.tar in root-cache.sh's directory (remove it to make a new one; about
# a minute and a half); with DEST, a fresh copy is unpacked there. Needs root and the mirror.
set -euo pipefail
dest=${1:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cache=$("$ROOT/scripts/rig/root-cache.sh")
tar=$cache/trixie-vm.tar
PACKAGES=(linux-image-amd64 initramfs-tools kmod iproute2 ppp pppoe iputils-ping busybox nftables isc-dhcp-client dnsmasq-base
          conntrack cron libatomic1)

make_cache() {
    local work=$cache/trixie-vm.work
    "$ROOT/scripts/rig/debian-root.sh" trixie "$work"
    echo "vm-root: apt-get install ${PACKAGES[*]} (once; cached in $tar)" >&2
    # in the host's network namespace (apt reaches the mirror), with the host's resolv.conf
    unshare --mount --propagation private /bin/sh -c \
        'r=$1; shift; mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
         { [ ! -f /etc/resolv.conf ] || { touch "$r/etc/resolv.conf" && mount --bind -o ro /etc/resolv.conf "$r/etc/resolv.conf"; }; } &&
         DEBIAN_FRONTEND=noninteractive chroot "$r" apt-get install -y -qq --no-install-recommends "$@"' \
        sh "$work" "${PACKAGES[@]}" > "$cache/trixie-vm.log" 2>&1 || { tail -n 20 "$cache/trixie-vm.log" >&2; exit 1; }
    ls "$work"/boot/vmlinuz-* "$work"/boot/initrd.img-* >/dev/null || { echo "vm-root: no kernel or initramfs in $work/boot" >&2; exit 1; }
    rm -rf "$work"/var/cache/apt/archives/*.deb
    tar -C "$work" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$work"
}

mkdir -p "$cache"
exec 9> "$cache/trixie-vm.lock"
flock 9
[ -s "$tar" ] || make_cache
flock -u 9
[ -n "$dest" ] || exit 0
rm -rf "$dest"; mkdir -p "$dest"
tar -C "$dest" -xf "$tar"
