#!/usr/bin/env python3
"""A steady stream of new TCP connections: RATE per second for SECONDS, each to the next port
of ADDR:BASE.. (so a per-connection hash spreads them), each given TIMEOUT seconds. Prints
{"start": T} first (T: its start on the system's monotonic clock, which every process shares,
so a caller can put the connections on its own time line), then one JSON line per connection:
[seconds_since_start, "isp1" | ... | "other" | "fail"], then exits.

usage: stream.py ADDR BASE PORTS RATE SECONDS TIMEOUT ISP=PREFIX...
READY_FILE=PATH: made once the stream has begun, so that a caller starts what it watches only
then (on a loaded machine this program may start seconds late).
"""
import asyncio
import json
import os
import sys
import time

from echo_probe import which_isp

addr, base, ports, rate, seconds, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
prefixes = dict(arg.split("=", 1) for arg in sys.argv[7:])
start = time.monotonic()


async def one(port, at):
    print(json.dumps([round(at, 3), await which_isp(addr, port, timeout, prefixes)]), flush=True)


async def main():
    print(json.dumps({"start": start}), flush=True)
    if os.environ.get("READY_FILE"):
        open(os.environ["READY_FILE"], "w").close()
    tasks = []
    i = 0
    while (at := time.monotonic() - start) < seconds:
        tasks.append(asyncio.create_task(one(base + i % ports, at)))
        i += 1
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
    await asyncio.gather(*tasks)


asyncio.run(main())
