#!/usr/bin/env python3
"""TCP server for the rig's "internet": listens on ADDR:BASE..BASE+COUNT-1 and answers every
connection with the peer address it saw (the ISPs do no NAT, so the peer is the router's WAN
address, which names the ISP), then closes. Long-lived mode: a connection that sends "hold\\n"
stays open and gets every later line echoed back.

usage: server.py ADDR BASE COUNT PIDFILE
"""
import asyncio
import os
import sys

addr, base, count, pidfile = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


async def handle(reader, writer):
    peer = writer.get_extra_info("peername")[0]
    try:
        first = await asyncio.wait_for(reader.readline(), timeout=2)
        writer.write(f"{peer}\n".encode())
        await writer.drain()
        if first.strip() == b"hold":
            while line := await reader.readline():
                writer.write(line)
                await writer.drain()
    except (asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    servers = [await asyncio.start_server(handle, addr, port, reuse_address=True, backlog=256) for port in range(base, base + count)]
    with open(pidfile, "w") as f:
        f.write(f"{os.getpid()}\n")
    await asyncio.gather(*(s.serve_forever() for s in servers))


asyncio.run(main())
