#!/bin/bash
# arm64-root.sh [DEST] — the libraries an arm64 uplink-lb needs (libc6, libstdc++6, libgcc-s1,
# libatomic1) in a folder, for running the cross-built executable under qemu-user
# (`qemu-aarch64 -L ROOT`): Debian 12's arm64 packages from the mirror this machine's apt
# uses, unpacked with dpkg-deb (no maintainer script runs, nothing is configured). Made once
# and cached as arm64 in root-cache.sh's directory (remove it to make a new one); prints its path.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cache=$("$ROOT/scripts/rig/root-cache.sh")
dest=${1:-$cache/arm64}
PACKAGES="libc6 libstdc++6 libgcc-s1 libatomic1"

mirror() { "$ROOT/scripts/rig/debian-mirror.sh"; }

make_root() {
    local work=$dest.work
    rm -rf "$work"; mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/root"
    # apt of this machine, pointed at arm64 bookworm in a state directory of its own: the
    # host's apt configuration and lists are not touched
    printf 'deb [arch=arm64] %s bookworm main\n' "$(mirror)" > "$work/apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache::Archives=$work/apt/archives"
                -o "Dir::Cache=$work/apt/cache" -o APT::Architecture=arm64 -o APT::Architectures=arm64
                -o Dir::State::Status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
    mkdir -p "$work/apt/cache"
    apt-get "${opts[@]}" -qq update
    # the packages and what they depend on, recursively (virtual names, in <>, left out)
    local wanted
    wanted=$(apt-cache "${opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances $PACKAGES | grep -v -e '^ ' -e '<' | sort -u)
    (cd "$work/apt/archives" && apt-get "${opts[@]}" -qq download $wanted)
    for deb in "$work"/apt/archives/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
    [ -e "$work/root/lib/ld-linux-aarch64.so.1" ] || { echo "arm64-root: no ld-linux-aarch64.so.1 in what was unpacked" >&2; exit 1; }
    # its time is when it was made (root-cache.sh --expire reads it), not the package's
    rm -rf "$dest"; mv "$work/root" "$dest"; touch "$dest"; rm -rf "$work"
}

mkdir -p "$cache"
exec 9> "$cache/arm64.lock"
flock 9
[ -e "$dest/lib/ld-linux-aarch64.so.1" ] || make_root >&2
echo "$dest"
