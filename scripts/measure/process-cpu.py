#!/usr/bin/python3
"""process-cpu.py: which programs a run spends the CPU on, by the kernel's BSD process accounting.

usage: process-cpu.py on FILE     start accounting every process that ends into FILE (root)
       process-cpu.py off         stop it
       process-cpu.py report FILE [N]  CPU seconds and processes per command name, the N biggest (30)

For example around `bash .ci/run` on a fresh clone (docs/measured.md, make test). The kernel
writes one acct_v3 record (64 bytes) per process when it ends, with its user and system time in
ticks of 10 ms: a process that took less than that counts as 0, so many short ones are
undercounted, and the cores' busy time (/proc/stat) is the total to compare with. A program's
threads are one record, named after the thread that ended last (node's often SignalInspector
or node-MainThread).
"""
import collections
import ctypes
import os
import struct
import sys

RECORD = 64  # sizeof(struct acct_v3), linux/acct.h


def comp_t(value: int) -> int:
    """A comp_t: 13 bits of mantissa, 3 bits of base-8 exponent."""
    return (value & 0x1FFF) << (3 * (value >> 13))


def acct(path):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.acct(path) != 0:
        sys.exit(f"process-cpu: acct({path!r}) failed: {os.strerror(ctypes.get_errno())}")


def report(path: str, top: int) -> None:
    data = open(path, "rb").read()
    if len(data) % RECORD:
        print(f"process-cpu: {path}: {len(data) % RECORD} bytes after the last whole record ignored", file=sys.stderr)
    count = collections.Counter()
    seconds = collections.Counter()
    for at in range(0, len(data) - RECORD + 1, RECORD):
        record = data[at:at + RECORD]
        if record[1] != 3:
            sys.exit(f"process-cpu: {path}: record {at // RECORD} is version {record[1]}, not acct_v3")
        utime, stime = struct.unpack_from("<HH", record, 32)
        name = record[48:64].split(b"\0")[0].decode(errors="replace")
        count[name] += 1
        seconds[name] += (comp_t(utime) + comp_t(stime)) / 100
    print(f"{sum(seconds.values()):.1f} s of CPU in {sum(count.values())} processes")
    for name, cpu in seconds.most_common(top):
        print(f"{cpu:8.1f} s {count[name]:7d}  {name}")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["on"] and len(args) == 2:
        try:
            open(args[1], "wb").close()
        except OSError as err:
            sys.exit(f"process-cpu: {args[1]}: {err.strerror}")
        acct(args[1].encode())
    elif args == ["off"]:
        acct(None)
    elif args[:1] == ["report"] and len(args) in (2, 3):
        report(args[1], int(args[2]) if len(args) == 3 else 30)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
