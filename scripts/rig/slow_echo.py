"""An ICMP echo responder for the rig's "internet" namespace that answers one ISP's customers
late: requests from SOURCE_PREFIX get their reply after DELAY_MS +- JITTER_MS (uniform), all
others at once. The namespace's own echo replies must be off (net.ipv4.icmp_echo_ignore_all=1,
set by the caller), so that every reply is this one's. Runs until it is stopped.

usage: slow_echo.py SOURCE_PREFIX DELAY_MS JITTER_MS   (e.g. 198.18.101. 200 50)"""
import random
import socket
import struct
import sys
import threading


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def reply(out, packet):
    """The echo reply to `packet` (an IPv4 packet holding an echo request), as a whole IPv4 packet."""
    ihl = (packet[0] & 0x0F) * 4
    src, dst = packet[12:16], packet[16:20]
    icmp = bytearray(packet[ihl:])
    icmp[0] = 0  # echo reply
    icmp[2:4] = b"\0\0"
    icmp[2:4] = struct.pack("!H", checksum(bytes(icmp)))
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, socket.IPPROTO_ICMP, 0, dst, src)
    out.sendto(header + bytes(icmp), (socket.inet_ntoa(src), 0))


def main():
    prefix, delay, jitter = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    inbound = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    out.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    lock = threading.Lock()

    def send(packet):
        with lock:
            reply(out, packet)

    while True:
        packet = inbound.recv(65535)
        ihl = (packet[0] & 0x0F) * 4
        if len(packet) < ihl + 8 or packet[ihl] != 8:  # only echo requests
            continue
        if socket.inet_ntoa(packet[12:16]).startswith(prefix):
            late = max(0.0, (delay + random.uniform(-jitter, jitter)) / 1000)
            threading.Timer(late, send, (packet,)).start()
        else:
            send(packet)


if __name__ == "__main__":
    main()
