#!/bin/bash
# debian-root.sh SUITE [DEST] — a fresh copy of a minimal Debian SUITE root at DEST, for the
# rig's router (RIG_ROOT); without DEST, only makes sure the cache exists (the end-to-end tests
# start that early, in the background). The root is what a new install has: debootstrap --variant=minbase with
# ifupdown and dhcpcd-base (Debian 13 installs dhcpcd-base, not isc-dhcp-client), from the
# Debian mirror this machine's apt uses, with apt's lists fetched. It is made once and cached as
# SUITE.tar in root-cache.sh's directory (outside the clone; remove it to make a new one). A policy-rc.d in the root keeps
# package scripts from starting any service: apt runs there in the host's network namespace.
set -euo pipefail
suite=${1:?usage: debian-root.sh SUITE DEST}
dest=${2:-}
[[ $suite =~ ^[a-z]+$ ]] || { echo "debian-root: bad suite $suite" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cache=$("$ROOT/scripts/rig/root-cache.sh")
tar=$cache/$suite.tar

mirror() { "$ROOT/scripts/rig/debian-mirror.sh"; }

make_cache() {
    local work=$cache/$suite.work
    command -v debootstrap >/dev/null || { echo "debian-root: debootstrap is missing (scripts/debian-deps.sh)" >&2; exit 1; }
    rm -rf "$work"; mkdir -p "$work"
    echo "debian-root: debootstrap $suite from $(mirror) (once; cached in $tar)" >&2
    debootstrap --variant=minbase --include=ifupdown,dhcpcd-base "$suite" "$work" "$(mirror)" > "$cache/$suite.log" 2>&1 ||
        { tail -n 20 "$cache/$suite.log" >&2; exit 1; }
    printf '#!/bin/sh\n# uplink-lb test root: no service starts from package scripts\nexit 101\n' > "$work/usr/sbin/policy-rc.d"
    chmod 755 "$work/usr/sbin/policy-rc.d"
    unshare --mount --propagation private /bin/sh -c \
        'mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && chroot "$1" apt-get update -qq' sh "$work" >> "$cache/$suite.log" 2>&1 ||
        { tail -n 20 "$cache/$suite.log" >&2; exit 1; }
    tar -C "$work" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$work"
}

mkdir -p "$cache"
exec 9> "$cache/$suite.lock"
flock 9   # workers that need the same root wait for the one making it
[ -s "$tar" ] || make_cache
flock -u 9
[ -n "$dest" ] || exit 0
rm -rf "$dest"; mkdir -p "$dest"
tar -C "$dest" -xf "$tar"
