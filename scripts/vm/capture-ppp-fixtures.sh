#!/bin/bash
# capture-ppp-fixtures.sh — boots the PPPoE test machine (test/e2e/vm/pppoe-scenario.sh) and writes
# the kernel states it prints (`FIXTURE dir/file json` lines) under test/fixtures/: ppp-bound
# (ppp0 from pppd and eth2 from dhclient, before uplink-lb is configured) and ppp-applied (after
# `uplink-lb apply`). Needs root, qemu-system-x86 and the mirror (scripts/vm/vm-root.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
deb=$(flock test/.state/deb.lock make -s deb BUILDDIR=test/.state/deb | tail -n1)
dest=$ROOT/test/.state/vm/capture
mkdir -p "$ROOT/test/.state/vm"
scripts/vm/vm-prepare.sh "$deb" test/e2e/vm/pppoe-scenario.sh "$dest"
out=$ROOT/test/.state/vm/capture.console
scripts/vm/vm-run.sh "$dest" 600 > "$out"
rm -rf "$dest"
tr -d '\r' < "$out" | sed -n 's/^FIXTURE \([a-z-]*\/[a-z0-9.]*\) \(.*\)$/\1 \2/p' | while read -r file json; do
    mkdir -p "test/fixtures/$(dirname "$file")"
    printf '%s\n' "$json" > "test/fixtures/$file"
    echo "test/fixtures/$file"
done
