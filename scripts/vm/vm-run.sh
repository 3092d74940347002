#!/bin/bash
# vm-run.sh ROOT [TIMEOUT] — boots the root that vm-root.sh unpacked (with whatever a test put
# in it) as a virtual machine: its own kernel and initramfs, the root as an ext4 disk made from
# the directory (mke2fs -d: nothing is mounted), qemu's software emulation (this machine has no
# /dev/kvm). PID 1 is systemd; the scenario vm-prepare.sh installed as a service does its work,
# prints its results on the serial console (this script's stdout) and powers off. Ends when the machine does, or
# kills qemu after TIMEOUT seconds (default 600). One virtual CPU (VM_CPUS for more): the end-to-end
# tests run two files at a time on two cores, and the machine should load one as a test file does.
# Needs qemu-system-x86 (scripts/debian-deps.sh).
set -euo pipefail
root=${1:?usage: vm-run.sh ROOT [TIMEOUT]}
timeout=${2:-600}
[ -x "$root/usr/local/sbin/vm-scenario" ] || { echo "vm-run: $root has no scenario (scripts/vm/vm-prepare.sh)" >&2; exit 2; }
kernel=$(ls "$root"/boot/vmlinuz-* | head -n1)
initrd=$(ls "$root"/boot/initrd.img-* | head -n1)
disk=$root.img
rm -f "$disk"
mke2fs -q -F -t ext4 -d "$root" "$disk" 3G
trap 'rm -f "$disk"' EXIT
# -no-reboot: a panic or a reboot ends qemu as a power-off does. mitigations=off: the guest runs
# only the test's own programs, and its kernel's defences against speculative execution
# (retpolines, the return stack refilled at each switch) cost emulated time: the PPPoE
# scenario's machine 133 s -> 125 s of its CPU, 159 s -> 148 s from start to power-off
timeout --kill-after=10 "$timeout" qemu-system-x86_64 -m 1024 -smp "${VM_CPUS:-1}" -nographic -no-reboot -accel tcg \
    -kernel "$kernel" -initrd "$initrd" -drive "file=$disk,format=raw,if=virtio" -nic none \
    -append "console=ttyS0 root=/dev/vda rw init=/usr/lib/systemd/systemd panic=-1 quiet systemd.show_status=false mitigations=off" </dev/null
