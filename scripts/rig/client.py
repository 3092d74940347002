#!/usr/bin/env python3
"""Opens N new TCP connections to ADDR:BASE.. (one port each, wrapping after $PORTS ports, so a
per-connection hash spreads them), up to 50 at a time, and counts which ISP each one left
through, from the peer address the server echoes.

usage: client.py ADDR BASE N TIMEOUT ISP=PREFIX...   (e.g. isp1=198.18.101.)
       BIND=ADDRESS in the environment: connect from that source address
prints JSON: {"isp1": n, ..., "other": n, "fail": n, "refused": n}: "refused" counts the failed
connections that a TCP reset refused (ECONNREFUSED), "fail" every failed one, those included
"""
import asyncio
import json
import os
import sys

from echo_probe import which_isp

addr, base, n, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
prefixes = dict(arg.split("=", 1) for arg in sys.argv[5:])
ports = int(os.environ.get("PORTS", "400"))
local = os.environ.get("BIND") or None


async def one(port, gate):
    async with gate:
        return await which_isp(addr, port, timeout, prefixes, local, refused="refused")


async def main():
    gate = asyncio.Semaphore(50)
    results = await asyncio.gather(*(one(base + i % ports, gate) for i in range(n)))
    counts = {name: 0 for name in prefixes} | {"other": 0, "fail": 0, "refused": 0}
    for r in results:
        counts[r] += 1
    counts["fail"] += counts["refused"]
    print(json.dumps(counts))


asyncio.run(main())
