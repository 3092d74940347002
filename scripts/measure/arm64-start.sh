#!/bin/bash
# arm64-start.sh [RUNS] — how long the cross-built arm64 executable takes to start (`--version`)
# under qemu-aarch64 (user-mode emulation, with the libraries of scripts/rig/arm64-root.sh), beside
# the x86-64 one natively: the median of RUNS starts each (default 5), and both sizes. Builds both
# as test/e2e/arm64.test.ts does (make ARCH=arm64 into test/.state/build-arm64; the package's
# x86-64 one in test/.state/deb). Emulation speed is this machine's: it says nothing of a board.
set -euo pipefail
runs=${1:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "arm64-start: RUNS must be a positive number, not $runs" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
root=$(scripts/rig/arm64-root.sh)
mkdir -p test/.state/build-arm64
flock test/.state/build-arm64.lock make -s ARCH=arm64 BUILDDIR=test/.state/build-arm64 > /dev/null
mkdir -p test/.state/deb
flock test/.state/deb.lock make -s BUILDDIR=test/.state/deb > /dev/null

# median of RUNS wall times of CMD... (seconds)
median() {
    local times=() i start
    for ((i = 0; i < runs; i++)); do
        start=$EPOCHREALTIME
        "$@" > /dev/null
        times+=("$(echo "$EPOCHREALTIME - $start" | bc)")
    done
    printf '%.2f' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
}
size() { echo "scale=1; $(stat -c %s "$1") / 1000000" | bc; }
arm=test/.state/build-arm64/uplink-lb x64=test/.state/deb/uplink-lb
echo "arm64 $(size $arm) MB, start $(median qemu-aarch64 -L "$root" "$arm" --version) s under qemu-aarch64; x86-64 $(size $x64) MB, start $(median "$x64" --version) s (median of $runs --version)"
