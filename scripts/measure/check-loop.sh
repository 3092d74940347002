# Sourced by the measure scripts that follow a running check (after rig-setup.sh): keeps one
# `uplink-lb check` running (a run lasts until a minute boundary), and polls for eth1 in or
# out of the default route.
in_route() { $RIG rx ip route show default metric 10 | grep -q "dev eth1"; }
now() { date +%s.%N; }
diff_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
check_pid=
ensure_check() {
    if [ -z "$check_pid" ] || ! kill -0 "$check_pid" 2>/dev/null; then
        setsid "$RIG" rx "$BIN" check </dev/null >/dev/null 2>&1 &
        check_pid=$!
        sleep 1.5
    fi
}
wait_until() {  # CONDITION-FUNCTION [not]: poll every 50 ms for up to 60 s
    local deadline=$(( $(date +%s) + 60 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        if [ "${2:-}" = not ]; then ! "$1" && return 0; else "$1" && return 0; fi
        ensure_check
        sleep 0.05
    done
    echo "timeout" >&2; return 1
}
