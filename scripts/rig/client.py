#!/usr/bin/env python3
"""Opens N new TCP connections to ADDR:BASE.. (one port each, so a per-connection hash spreads
them) and counts which ISP each one left through, from the peer address the server echoes.

usage: client.py ADDR BASE N TIMEOUT ISP=PREFIX...   (e.g. isp1=198.18.101.)
prints JSON: {"isp1": n, ..., "other": n, "fail": n}
"""
import json
import socket
import sys

addr, base, n, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
prefixes = dict(arg.split("=", 1) for arg in sys.argv[5:])
counts = {name: 0 for name in prefixes} | {"other": 0, "fail": 0}
for i in range(n):
    try:
        with socket.create_connection((addr, base + i), timeout=timeout) as s:
            s.sendall(b"hello\n")
            peer = s.makefile().readline().strip()
        counts[next((name for name, p in prefixes.items() if peer.startswith(p)), "other")] += 1
    except OSError:
        counts["fail"] += 1
print(json.dumps(counts))
