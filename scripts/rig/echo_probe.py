"""One TCP connection to the rig's echo server, and which ISP it left through: the server
echoes the peer address it saw, and PREFIXES maps ISP names to their address prefixes."""
import asyncio


async def which_isp(addr, port, timeout, prefixes, local=None, refused="fail"):
    """"isp1" | ... | "other" (an address of no ISP) | "fail" (no connection or no answer), or
    REFUSED for a connection refused by a TCP reset (ECONNREFUSED).
    LOCAL: the source address to bind (router-originated traffic from an uplink's address)."""
    try:
        connect = asyncio.open_connection(addr, port, local_addr=(local, 0) if local else None)
        reader, writer = await asyncio.wait_for(connect, timeout)
        try:
            writer.write(b"hello\n")
            peer = (await asyncio.wait_for(reader.readline(), timeout)).decode().strip()
        finally:
            writer.close()
        return next((name for name, p in prefixes.items() if peer.startswith(p)), "other")
    except ConnectionRefusedError:
        return refused
    except (OSError, asyncio.TimeoutError):
        return "fail"
