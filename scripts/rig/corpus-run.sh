#!/bin/bash
# corpus-run.sh DIR [--idle] — the broken-configuration corpus's trial (corpus-trial.sh) on a rig
# of its own (RIG_NAME uplink-lb-corpus unless set): a router with two DHCP uplinks up and balanced by
# the installed uplink-lb, then every case under DIR/cases (test/corpus/corpus.ts materialises
# them there) run through the hook, a check and apply; the results in DIR/out, what the steps
# printed in DIR/log, and, last, the run's exit status in DIR/status (test/e2e/corpus.test.ts
# reads them). `make test` starts it with --idle in the background from the end-to-end setup
# (test/e2e/global-setup.ts): its ~400 starts of the executable, which need no clock, then use
# only the CPU that files waiting on failure windows leave idle, instead of holding a test worker;
# the test file runs it itself when run alone.
# --idle: the lowest priority, for a run in a session of its own (it refuses otherwise): nice 19,
# and 19 for the session's autogroup too. Where the kernel groups processes by session
# (sched_autogroup_enabled), a session is scheduled against the others by its group's nice; the
# processes' own nice counts only within it (nice 19 alone: the first test files' setup took
# 40 s instead of 18 beside it).
set -uo pipefail
dir=${1:?usage: corpus-run.sh DIR [--idle]}
if [ "${2:-}" = --idle ]; then
    read -r -a stat < "/proc/$$/stat"
    [ "${stat[5]}" = "$$" ] || { echo "corpus-run: --idle needs a session of its own (setsid): it would slow the caller's" >&2; exit 2; }
    renice -n 19 -p $$ > /dev/null
    [ ! -e /proc/self/autogroup ] || echo 19 > /proc/self/autogroup
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export RIG_NAME=${RIG_NAME:-uplink-lb-corpus}
rig=$ROOT/scripts/rig/rig.sh
[ -d "$dir/cases" ] || { echo "corpus-run: $dir/cases: no cases (materializeCorpus in test/corpus/corpus.ts)" >&2; exit 2; }
rm -f "$dir/status"

run() {
    "$rig" up 2 || return 1
    "$rig" install || return 1
    printf 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( 192.0.2.10 )\n' > "$("$rig" etc)/default/uplink-lb" || return 1
    "$rig" ifup eth1 || return 1
    "$rig" ifup eth2 || return 1
    local route
    route=$("$rig" rx ip -4 route show default metric 10)
    [ "$(grep -c nexthop <<< "$route")" = 2 ] || { echo "corpus-run: the balanced route has not two uplinks: $route" >&2; return 1; }
    # the IPv6 link-local addresses end their duplicate detection first (their routes appear then)
    for _ in $(seq 100); do [ -z "$("$rig" rx ip -6 addr show tentative)" ] && break; sleep 0.1; done
    [ -z "$("$rig" rx ip -6 addr show tentative)" ] || { echo "corpus-run: IPv6 addresses still tentative after 10 s" >&2; return 1; }
    "$rig" rx "$ROOT/scripts/rig/corpus-trial.sh" "$("$rig" bin)" /etc/network/if-up.d/uplink-load-balancing "$dir/cases" "$dir/out"
}

"$rig" down > "$dir/log" 2>&1
run >> "$dir/log" 2>&1
status=$?
"$rig" down >> "$dir/log" 2>&1
echo "$status" > "$dir/status.tmp" && mv "$dir/status.tmp" "$dir/status"
exit "$status"
