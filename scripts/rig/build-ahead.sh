#!/bin/bash
# build-ahead.sh — the packages the end-to-end files build, made before the files ask: the
# x86-64 .deb in test/.state/deb (the Debian-root tests, the HA pair and the PPPoE machine install
# it) and the arm64 executable and .deb in test/.state/build-arm64 (arm64.test.ts), each under the
# lock the files take to make it, so that a file's own make finds it made instead of building
# for 10-20 s of its worker's time. `make test` starts it from the end-to-end setup
# (test/e2e/global-setup.ts) beside the first files.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p test/.state/deb test/.state/build-arm64
flock test/.state/deb.lock make -s deb BUILDDIR=test/.state/deb
flock test/.state/build-arm64.lock make -s deb ARCH=arm64 BUILDDIR=test/.state/build-arm64
