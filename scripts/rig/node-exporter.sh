#!/bin/bash
# Prints the path of Debian's prometheus-node-exporter binary, unpacked (never installed: its
# package would start a service on the host) under test/.state/node-exporter from the .deb
# that apt downloads. Cached: the download happens once per checkout.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/test/.state/node-exporter
bin=$dir/usr/bin/prometheus-node-exporter
if [ ! -x "$bin" ]; then
    mkdir -p "$dir/download"
    cd "$dir/download"
    if ! apt-get download prometheus-node-exporter >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        apt-get download prometheus-node-exporter >/dev/null
    fi
    dpkg-deb -x prometheus-node-exporter_*.deb "$dir"
    rm -rf "$dir/download"
fi
"$bin" --version 2>&1 | head -1 >&2
echo "$bin"
