#!/bin/bash
# vm-prepare.sh DEB SCENARIO DEST — a fresh copy of the virtual machine's root (vm-root.sh) at
# DEST with the uplink-lb package DEB installed by dpkg (offline: vm-root.sh put its
# dependencies there; the package's postinst enables uplink-lb.timer as on any install), and
# SCENARIO as the service that systemd (PID 1) starts once the machine is up: it prints its
# results on the serial console and powers the machine off. Then: scripts/vm/vm-run.sh DEST.
set -euo pipefail
deb=${1:?usage: vm-prepare.sh DEB SCENARIO DEST}
scenario=${2:?usage: vm-prepare.sh DEB SCENARIO DEST}
dest=${3:?usage: vm-prepare.sh DEB SCENARIO DEST}
here=$(cd "$(dirname "$0")" && pwd)
"$here/vm-root.sh" "$dest"
cp "$deb" "$dest/tmp/uplink-lb.deb"
unshare --mount --propagation private /bin/sh -c \
    'mount -t proc proc "$1/proc" && DEBIAN_FRONTEND=noninteractive chroot "$1" dpkg -i /tmp/uplink-lb.deb' sh "$dest" > "$dest.dpkg.log" 2>&1 ||
    { tail -n 20 "$dest.dpkg.log" >&2; exit 1; }
rm -f "$dest/tmp/uplink-lb.deb"
install -m 755 "$scenario" "$dest/usr/local/sbin/vm-scenario"
cat > "$dest/etc/systemd/system/vm-scenario.service" <<'END'
[Unit]
Description=the test's scenario (scripts/vm/vm-prepare.sh)
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/vm-scenario
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
END
ln -sfn ../vm-scenario.service "$dest/etc/systemd/system/multi-user.target.wants/vm-scenario.service"
# nothing else on the console: no login prompts (getty-static: tty2-tty6)
ln -sfn /dev/null "$dest/etc/systemd/system/serial-getty@ttyS0.service"
ln -sfn /dev/null "$dest/etc/systemd/system/getty@tty1.service"
ln -sfn /dev/null "$dest/etc/systemd/system/getty-static.service"
# /usr as up to date as the machine's caches: ConditionNeedsUpdate (ldconfig.service, the journal
# catalog, systemd-update-done) would otherwise rebuild them at this fresh root's every boot,
# seconds of emulation
touch -r "$dest/usr" "$dest/etc/.updated" "$dest/var/.updated"
