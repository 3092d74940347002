#!/bin/bash
# debian-mirror.sh — prints the first Debian archive this machine's apt uses (not the security
# one), or deb.debian.org: where the test roots come from.
uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
      grep -E '^(URIs:|deb )' | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ' || true)
echo "${uri:-http://deb.debian.org/debian}"
