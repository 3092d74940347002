#!/bin/bash
# vm-prepare.sh DEB INIT DEST — a fresh copy of the virtual machine's root (vm-root.sh) at DEST
# with the uplink-lb package DEB installed by dpkg (offline: vm-root.sh put its dependencies
# there) and INIT as its PID 1 (/vm-init). Then: scripts/vm/vm-run.sh DEST.
set -euo pipefail
deb=${1:?usage: vm-prepare.sh DEB INIT DEST}
init=${2:?usage: vm-prepare.sh DEB INIT DEST}
dest=${3:?usage: vm-prepare.sh DEB INIT DEST}
here=$(cd "$(dirname "$0")" && pwd)
"$here/vm-root.sh" "$dest"
cp "$deb" "$dest/tmp/uplink-lb.deb"
unshare --mount --propagation private /bin/sh -c \
    'mount -t proc proc "$1/proc" && DEBIAN_FRONTEND=noninteractive chroot "$1" dpkg -i /tmp/uplink-lb.deb' sh "$dest" > "$dest.dpkg.log" 2>&1 ||
    { tail -n 20 "$dest.dpkg.log" >&2; exit 1; }
rm -f "$dest/tmp/uplink-lb.deb"
install -m 755 "$init" "$dest/vm-init"
