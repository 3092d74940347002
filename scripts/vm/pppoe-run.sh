#!/bin/bash
# pppoe-run.sh DEST [DELAY] — the PPPoE test's whole virtual machine run, start to end (after
# DELAY seconds, 0 by default): the uplink-lb
# package built (once, under the lock the Debian-root tests share), a fresh machine root at DEST
# with it installed and test/e2e/vm/pppoe-scenario.sh as its scenario (vm-prepare.sh), the
# machine booted until it powers off (vm-run.sh). Writes what the machine printed to
# DEST.console and, last, the run's exit status to DEST.status (test/e2e/pppoe.test.ts reads
# both). `make test` starts it in the background from the end-to-end setup
# (test/e2e/global-setup.ts), so that the machine's few minutes of emulation overlap the other
# files instead of holding a test worker (after the first files' busiest minutes, which it would
# only slow down: test/e2e/global-setup.ts says when); the test file runs it itself when run alone.
set -uo pipefail
dest=${1:?usage: pppoe-run.sh DEST [DELAY]}
delay=${2:-0}
[[ $delay =~ ^[0-9]+$ ]] || { echo "pppoe-run: DELAY must be a number of seconds, not $delay" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
rm -f "$dest.status" "$dest.console"
sleep "$delay"
run() {
    mkdir -p test/.state/deb || return 1
    local deb
    deb=$(flock test/.state/deb.lock make -s deb BUILDDIR=test/.state/deb | tail -n 1) || { echo "pppoe-run: make deb failed" >&2; return 1; }
    scripts/vm/vm-prepare.sh "$deb" test/e2e/vm/pppoe-scenario.sh "$dest" || { echo "pppoe-run: vm-prepare.sh failed" >&2; return 1; }
    scripts/vm/vm-run.sh "$dest" 600
}
run > "$dest.console" 2>&1
status=$?
rm -rf "$dest"
echo "$status" > "$dest.status.tmp" && mv "$dest.status.tmp" "$dest.status"
exit "$status"
