#!/usr/bin/env python3
"""syslog_listener.py SOCKET OUT READY: a syslog daemon for one command in the rig: receives
datagrams on the unix socket SOCKET (the router's /dev/log) and appends each message, one line
each, to OUT. Touches READY once listening. Runs until terminated."""
import os
import signal
import socket
import sys

sock_path, out_path, ready = sys.argv[1:4]
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if os.path.exists(sock_path):
    os.unlink(sock_path)
s.bind(sock_path)
open(ready, "w").close()
with open(out_path, "a", buffering=1) as out:
    while True:
        data = s.recv(65536)
        out.write(data.decode("utf-8", "replace").rstrip("\n") + "\n")
