#!/usr/bin/env python3
"""One bulk TCP stream, for the cost per packet of nftables rules on the router.

usage: bulk.py sink ADDR PORT PIDFILE     accept connections and discard what they send
       bulk.py send ADDR PORT SECONDS     send as fast as possible for SECONDS -> JSON {"mb_per_s": x}
"""
import json
import os
import socket
import sys
import threading
import time


def sink(addr, port, pidfile):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((addr, port))
    server.listen(8)
    with open(pidfile, "w") as f:
        f.write(f"{os.getpid()}\n")
    buf = bytearray(1 << 20)

    def drain(conn):
        with conn:
            while conn.recv_into(buf):
                pass

    while True:
        conn, _ = server.accept()
        threading.Thread(target=drain, args=(conn,), daemon=True).start()


def send(addr, port, seconds):
    data = b"\0" * (1 << 20)
    sent = 0
    with socket.create_connection((addr, port), timeout=5) as s:
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            s.sendall(data)
            sent += len(data)
        elapsed = time.monotonic() - start
    print(json.dumps({"mb_per_s": round(sent / elapsed / 1e6, 1)}))


if __name__ == "__main__":
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "sink":
        sink(addr, port, sys.argv[4])
    else:
        send(addr, port, float(sys.argv[4]))
