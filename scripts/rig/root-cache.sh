#!/bin/bash
# root-cache.sh [--expire] — prints the directory that caches the test roots (debian-root.sh,
# vm-root.sh, arm64-root.sh), made if missing. It is outside the clone,
# ${UPLINK_LB_ROOT_CACHE:-/var/cache/uplink-lb-test}/roots-KEY, so that a fresh clone on this
# machine (CI's) finds the roots an earlier run made instead of spending minutes of both cores
# on debootstrap and apt while the first tests run. KEY is a hash of the scripts that make the
# roots and of the mirror: a change to either makes new ones. --expire (the tests' global
# setup, before anything uses them) removes roots made more than 2 days ago (their apt lists go
# stale as the mirror moves on, and the tests install packages in them) and the directories of
# other keys. Nothing here touches the machine's own system.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
base=${UPLINK_LB_ROOT_CACHE:-/var/cache/uplink-lb-test}
case "$base" in /*) ;; *) echo "root-cache: UPLINK_LB_ROOT_CACHE must be an absolute path, not $base" >&2; exit 2 ;; esac
key=$({ cat "$ROOT/scripts/rig/debian-root.sh" "$ROOT/scripts/vm/vm-root.sh" "$ROOT/scripts/rig/arm64-root.sh"; "$ROOT/scripts/rig/debian-mirror.sh"; } | sha256sum | cut -c1-16)
dir=$base/roots-$key
mkdir -p "$dir"
if [ "${1:-}" = --expire ]; then
    find "$dir" -mindepth 1 -maxdepth 1 \( -name '*.tar' -o -name arm64 \) -mmin +2880 -exec rm -rf {} +
    for other in "$base"/roots-*; do
        [ "$other" = "$dir" ] || rm -rf "$other"
    done
fi
echo "$dir"
