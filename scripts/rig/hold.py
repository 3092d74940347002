#!/usr/bin/env python3
"""Holds N long-lived TCP connections to ADDR:BASE.. (through NAT when run in the LAN), each
sending a line every INTERVAL seconds and expecting its echo, for SECONDS seconds. A connection
is broken when a send fails, the peer resets or closes it, or an echo takes over 3 s.

usage: hold.py ADDR BASE N SECONDS INTERVAL ISP=PREFIX...
prints JSON: {"opened": {"isp1": n, ...}, "failed_to_open": n, "started": epoch_seconds,
              "broken": [[seconds_since_start, "isp1"], ...]}
(`started` lets a caller put the broken times on its own clock: this program may start a
second or more after it was asked to on a loaded machine.)
HOLD_STOP=PATH: the connections end early, unbroken, once PATH exists (looked for every 0.1 s),
so that a caller holds them only as long as what it watches takes.
READY_FILE=PATH: made once every connection has opened (or failed to), so that a caller starts
what it watches only then (on a loaded machine this program may start seconds late).
"""
import asyncio
import json
import os
import sys
import time

addr, base, n, seconds, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
prefixes = dict(arg.split("=", 1) for arg in sys.argv[6:])
start = time.monotonic()
started = time.time()
opened = {name: 0 for name in prefixes} | {"other": 0}
broken = []
failed = 0
stop_file = os.environ.get("HOLD_STOP", "")
ready_file = os.environ.get("READY_FILE", "")
stopping = False
tried = 0


def tried_one():
    global tried
    tried += 1
    if tried == n and ready_file:
        open(ready_file, "w").close()


async def watch_stop():
    global stopping
    while stop_file and not stopping:
        if os.path.exists(stop_file):
            stopping = True
        await asyncio.sleep(0.1)


async def hold(port):
    global failed
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(addr, port), 3)
        writer.write(b"hold\n")
        peer = (await asyncio.wait_for(reader.readline(), 3)).decode().strip()
    except (OSError, asyncio.TimeoutError):
        failed += 1
        tried_one()
        return
    isp = next((name for name, p in prefixes.items() if peer.startswith(p)), "other")
    opened[isp] += 1
    tried_one()
    try:
        while time.monotonic() - start < seconds and not stopping:
            await asyncio.sleep(interval)
            writer.write(b"x\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), 3)
            if not line:
                raise ConnectionError("closed")
    except (OSError, asyncio.TimeoutError, ConnectionError):
        broken.append([round(time.monotonic() - start, 2), isp])
    finally:
        writer.close()


async def main():
    global stopping
    watcher = asyncio.create_task(watch_stop())
    await asyncio.gather(*(hold(base + i) for i in range(n)))
    stopping = True
    await watcher
    print(json.dumps({"opened": opened, "failed_to_open": failed, "started": started, "broken": broken}))


asyncio.run(main())
