#!/usr/bin/env python3
"""lookups.py SERVER RATE SECONDS [TIMEOUT]: looks up a new name under test.example (n1.test.example,
n2..., so that no cache answers) at RATE a second for SECONDS through the resolver at SERVER (IPv4 or IPv6, UDP,
port 53), each given TIMEOUT seconds (default 2). Prints one JSON line per lookup when its answer
comes or its time is up: {"at": seconds since the start (monotonic) it was sent, "ms": how long the
answer took or null, "rcode": the answer's code (0 answered, 2 SERVFAIL, 5 REFUSED) or null, and
"error" when the query could not be sent}, and first a line {"start": the start on the monotonic clock} for aligning with other clocks."""
import json
import select
import socket
import struct
import sys
import time


def query(ident: int, name: str) -> bytes:
    header = struct.pack('>HHHHHH', ident, 0x0100, 1, 0, 0, 0)  # recursion desired, one question
    labels = b''.join(bytes([len(part)]) + part.encode() for part in name.split('.'))
    return header + labels + b'\0' + struct.pack('>HH', 1, 1)  # A, IN


def main() -> None:
    server, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
    sock = socket.socket(socket.AF_INET6 if ':' in server else socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    start = time.monotonic()
    print(json.dumps({'start': start}), flush=True)
    pending: dict[int, float] = {}  # id -> when sent
    sent = 0
    total = int(rate * seconds)
    while sent < total or pending:
        now = time.monotonic()
        while sent < total and start + sent / rate <= now:
            ident = sent % 65536
            try:
                sock.sendto(query(ident, f'n{sent}.test.example'), (server, 53))
                pending[ident] = now
            except OSError as err:  # refused on the way out (a firewall's reject: EPERM)
                print(json.dumps({'at': round(now - start, 3), 'ms': None, 'rcode': None, 'error': err.strerror}))
            sent += 1
        for ident, at in list(pending.items()):
            if now - at >= timeout:
                del pending[ident]
                print(json.dumps({'at': round(at - start, 3), 'ms': None, 'rcode': None}))
        wait = min(start + sent / rate - now, 0.05) if sent < total else 0.05
        readable, _, _ = select.select([sock], [], [], max(wait, 0.001))
        if not readable:
            continue
        while True:
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                break
            if len(data) < 12:
                continue
            ident, flags = struct.unpack('>HH', data[:4])
            at = pending.pop(ident, None)
            if at is not None:
                print(json.dumps({'at': round(at - start, 3), 'ms': round((time.monotonic() - at) * 1000, 1), 'rcode': flags & 0xF}))
    sys.stdout.flush()


if __name__ == '__main__':
    main()
