#!/bin/bash
# vm-session.sh SCENARIO DEST — one whole run of a virtual-machine test: waits for the machine's
# root (vm-root.sh), builds the package (make deb, into test/.state/deb, under the lock the
# Debian-root tests share), prepares DEST with it and SCENARIO (vm-prepare.sh) and boots it
# (vm-run.sh). Writes the machine's console to DEST.console and then qemu's exit status (or the
# step that failed) to DEST.rc, and removes DEST. Holds DEST.lock for the whole session: a test
# that needs the outcome waits on that lock, and starts a session itself when none wrote DEST.rc.
# The end-to-end tests start it in the background from their global setup (test/e2e/global-setup.ts),
# so that the machine, which needs nothing from the host's namespaces, runs beside the test files.
# qemu runs at nice 10: where the machine and a test file want the same core, the test file's
# timing-bound steps come first; the machine's bounds are loose (it is emulated anyway).
set -uo pipefail
scenario=${1:?usage: vm-session.sh SCENARIO DEST}
dest=${2:?usage: vm-session.sh SCENARIO DEST}
here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$here/../.." && pwd)
mkdir -p "$(dirname "$dest")"
exec 9> "$dest.lock"
flock 9
rm -f "$dest.rc" "$dest.console"
failed() { echo "$1" > "$dest.rc"; rm -rf "$dest"; exit 1; }
"$here/vm-root.sh" > "$dest.console" 2>&1 || failed "vm-root.sh failed"
mkdir -p "$ROOT/test/.state/deb"
deb=$(flock "$ROOT/test/.state/deb.lock" make -s -C "$ROOT" deb BUILDDIR=test/.state/deb 2>> "$dest.console" | tail -n 1) ||
    failed "make deb failed"
case $deb in /*) ;; *) deb=$ROOT/$deb ;; esac
"$here/vm-prepare.sh" "$deb" "$scenario" "$dest" >> "$dest.console" 2>&1 || failed "vm-prepare.sh failed"
nice -n 10 "$here/vm-run.sh" "$dest" 600 >> "$dest.console" 2>&1
echo $? > "$dest.rc"
rm -rf "$dest"
