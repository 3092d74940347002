#!/usr/bin/env python3
"""What a high-availability pair costs each router: CPU and resident memory of keepalived (its
parent and VRRP child), conntrackd and uplink-lb's check (with its pings), on the pair of
scripts/rig/pair.sh, idle and while the LAN opens new connections at RATE a second (default
1000). Prints a table; asserts nothing.

usage: pair-cost.py [SECONDS] [RATE]     (run as root; brings the pair up and down itself)
"""
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PAIR = os.path.join(ROOT, "scripts", "rig", "pair.sh")
NAME = "uplink-lb-cost"
ENV = dict(os.environ, PAIR_NAME=NAME)
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 30
RATE = float(sys.argv[2]) if len(sys.argv) > 2 else 1000
TICK = os.sysconf("SC_CLK_TCK")
ROLES = {"keepalived": "keepalived", "conntrackd": "conntrackd", "node-MainThread": "uplink-lb check", "ping": "uplink-lb check"}


def pair(*args):
    return subprocess.run([PAIR, *args], env=ENV, check=True, capture_output=True, text=True).stdout


def processes(router):
    """{pid: role} of the processes in the router's namespace that the table counts."""
    out = {}
    for pid in subprocess.run(["ip", "netns", "pids", f"{NAME}-{router}"], capture_output=True, text=True).stdout.split():
        try:
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm in ROLES:
            out[int(pid)] = ROLES[comm]
    return out


def cpu_and_rss(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK, rss


def window(label, seconds):
    """CPU share of a core and resident kB per router and role over SECONDS."""
    procs = {r: processes(r) for r in ("r1", "r2")}
    before = {r: {p: cpu_and_rss(p) for p in procs[r]} for r in procs}
    time.sleep(seconds)
    rows = []
    for r in ("r1", "r2"):
        totals = {}
        for pid, role in procs[r].items():
            a, b = before[r].get(pid), cpu_and_rss(pid)
            if a is None or b is None:
                continue
            cpu, rss = totals.get(role, (0.0, 0))
            totals[role] = (cpu + b[0] - a[0], rss + b[1])
        for role in ("keepalived", "conntrackd", "uplink-lb check"):
            cpu, rss = totals.get(role, (0.0, 0))
            rows.append((label, r, role, 100 * cpu / seconds, rss / 1024))
    return rows


def main():
    if os.geteuid() != 0:
        sys.exit("pair-cost: needs root (network namespaces)")
    pair("down")
    pair("up")
    pair("start")
    try:
        time.sleep(5)
        rows = window("idle", SECONDS)
        # four generators (one Python process keeps up with about 200 a second here)
        loads = [subprocess.Popen([PAIR, "stream", str(RATE / 4), str(SECONDS + 4), "1"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(4)]
        time.sleep(2)
        rows += window(f"{RATE:.0f} new LAN connections/s asked", SECONDS)
        results = []
        for load in loads:
            out, _ = load.communicate(timeout=SECONDS + 60)
            results += [line for line in out.splitlines() if line.startswith("[")]
        failed = sum(1 for line in results if '"fail"' in line)
    finally:
        pair("down")
    print(f"pair cost over {SECONDS:.0f} s windows (r1 active, r2 standby; CPU in % of one core, resident memory):")
    print(f"{'window':<32} {'router':<7} {'process':<16} {'CPU %':>7} {'RSS MB':>7}")
    for label, r, role, cpu, rss in rows:
        print(f"{label:<32} {r:<7} {role:<16} {cpu:7.2f} {rss:7.1f}")
    print(f"load: {len(results)} connections in {SECONDS + 4:.0f} s ({len(results) / (SECONDS + 4):.0f} a second), {failed} failed (the generators and the server share the 2 cores)")


main()
