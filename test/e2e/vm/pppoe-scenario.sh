#!/bin/bash
# The PPPoE test machine's scenario (test/e2e/pppoe.test.ts boots it with scripts/vm/vm-run.sh):
# systemd is PID 1 and starts this as a service once the machine is up. The machine is the
# router, with the uplink-lb package installed (systemd runs its health check); two ISPs in
# namespaces:
#   uplink-lb-ispa: a PPPoE server (pppoe-server, kernel mode) on eth1's other end; the router
#                   dials it with pppd from ifupdown's `ppp` method (iface dsl-provider): ppp0.
#   uplink-lb-ispb: dnsmasq's DHCP on eth2's other end (192.0.2.0/24); dhclient from ifup.
# Both ISPs hold 203.0.113.1-24 (a web server that answers with the ISP's name) and a probe
# target of their own (198.51.100.1 behind A, 198.51.100.2 behind B). What it finds goes to the
# serial console as lines `RESULT name {json}` and `FIXTURE dir/file json`; then it powers off.
# bash, for a clock and a pause that start no process: every process an emulated machine starts
# costs it milliseconds of its one CPU, which the waits below would otherwise spend 20 times a
# second (date, sleep, grep) beside uplink-lb's own work.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p /run/netns /run/network /run/lock /var/lib/dhcp
ip link set lo up
modprobe ppp_generic; modprobe pppoe

result() { echo "RESULT $1 $2"; }
# now: milliseconds since the epoch (bash's clock; no process)
now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; now=$(( t / 1000 )); }
# nap SECONDS: a pause without a process (a read that times out on a fifo no one writes)
mkfifo /run/vm-nap; exec {nap_fd}<>/run/vm-nap
nap() { read -r -t "$1" -u "$nap_fd" _ || :; }
A() { ip netns exec uplink-lb-ispa "$@"; }
B() { ip netns exec uplink-lb-ispb "$@"; }
in_route() { [[ $(ip -o route show default metric 10) == *"dev $1 "* ]]; }
# the balanced route is there, without DEV; and how long it was missing meanwhile (the kernel
# deletes a multipath route when the device of one of its nexthops goes away): from the first
# look that found it missing to the first that found it back (the looks follow the kernel's
# events, below, so a route missing for milliseconds is seen)
balanced_without() {
    route=$(ip -o route show default metric 10)
    if [ -z "$route" ]; then
        now_ms
        [ -n "$missing_since" ] || missing_since=$now
        missing_until=
        return 1
    fi
    if [ -n "$missing_since" ] && [ -z "$missing_until" ]; then now_ms; missing_until=$now; fi
    case "$route" in *"dev $1 "*) return 1 ;; esac
}
# wait_until TIMEOUT_S CMD...: polls every 200 ms (every $poll s when set); `took` is the
# milliseconds it took, or -1. Each poll starts a process or two (systemctl, a shell), which
# costs the emulated machine milliseconds of its one CPU (an `ip` 58 ms) beside uplink-lb's own
# runs: the waits for the kernel's state follow its events instead (wait_kernel).
wait_until() {
    local limit since
    now_ms; limit=$(( now + $1 * 1000 )); since=$now; shift
    while ! "$@"; do
        now_ms; [ "$now" -lt "$limit" ] || { took=-1; return 1; }
        nap "${poll:-0.2}"
    done
    now_ms; took=$(( now - since ))
}
# The kernel's events, a line per change of a link, address, route, rule or nexthop object
# (one `ip monitor` for the whole run), on a descriptor that wait_kernel sleeps on.
mkfifo /run/vm-kernel-events; exec {events_fd}<>/run/vm-kernel-events
ip -o monitor link address route rule nexthop >&"$events_fd" 2>/dev/null &
drain_events() { while read -r -t 0.001 -u "$events_fd" _; do :; done; }
# wait_kernel TIMEOUT_S CMD...: as wait_until, but CMD looks again after each burst of the
# kernel's events (and at least once a second), so that no process runs while nothing changes
# and a state that lasts milliseconds is seen
wait_kernel() {
    local limit since
    now_ms; limit=$(( now + $1 * 1000 )); since=$now; shift
    drain_events
    while ! "$@"; do
        now_ms; [ "$now" -lt "$limit" ] || { took=-1; return 1; }
        read -r -t 1 -u "$events_fd" _ || :
        drain_events
    done
    now_ms; took=$(( now - since ))
}
not() { ! "$@"; }
has_address() { [[ $(ip -4 -o addr show dev "$1" 2>/dev/null) == *"inet $2"* ]]; }
# a line of FILE starts with TEXT; the check's run record names PID; no rule looks up TABLE
has_line() { [[ $'\n'$(cat "$1" 2>/dev/null) == *$'\n'"$2"* ]]; }
check_run_is() { local r; r=$(cat /run/uplink-lb/check.json 2>/dev/null); [[ $r == *"\"pid\":$1,"* || $r == *"\"pid\":$1}"* ]]; }
no_rule_to() { [[ $(ip -4 rule show) != *"lookup $1 "* ]]; }
# which ISP answers on each of the 24 shared addresses: {"ispa":N,"ispb":M,"none":K} (24, so that
# a spread over two uplinks leaves one empty by chance in 1e-7 of runs)
spread() {
    a=0; b=0; n=0
    for i in $(seq 1 24); do
        case "$(busybox wget -q -O - -T 3 "http://203.0.113.$i/" 2>/dev/null)" in
        ispa) a=$((a + 1)) ;; ispb) b=$((b + 1)) ;; *) n=$((n + 1)) ;;
        esac
    done
    echo "{\"ispa\":$a,\"ispb\":$b,\"none\":$n}"
}
fixture() {  # the kernel state as the unit tests read it
    addresses=$(ip -j -N addr show)  # links and addresses both, as in the rig's fixtures
    echo "FIXTURE $1/links.json $addresses"
    echo "FIXTURE $1/addresses.json $addresses"
    echo "FIXTURE $1/rules.json $(ip -j -N -4 rule show)"
    echo "FIXTURE $1/routes.json $(ip -j -N -4 route show table all)"
    for lease in /run/uplink-lb/lease.*; do
        [ ! -e "$lease" ] || echo "FIXTURE $1/${lease##*/} $(cat "$lease")"
    done
}
finish() {
    echo "== status at the end"; uplink-lb status 2>&1; ip -4 rule show; ip -4 route show table all | grep -v '^local\|^broadcast'
    echo "== tracked ICMP at the end"; conntrack -L -p icmp 2>/dev/null
    echo "== systemctl status"; SYSTEMD_COLORS=0 systemctl status --no-pager --lines=5 uplink-lb.timer uplink-lb.service 2>&1
    echo "== syslog"; SYSTEMD_COLORS=0 journalctl -q -b --no-pager -o short-precise 2>&1
    echo "== end"
    echo "VM-DONE"; sync
    echo o > /proc/sysrq-trigger; sleep 30
}
trap finish EXIT

# ISP A: PPPoE
ip netns add uplink-lb-ispa
ip link add eth1 type veth peer name isp0 netns uplink-lb-ispa
A ip link set lo up; A ip link set isp0 up
A ip addr add 198.51.100.1/32 dev lo
# the ISP announces a resolver (DNS1), which the router's pppd takes with usepeerdns
printf 'noauth\nlcp-echo-interval 1\nlcp-echo-failure 3\nms-dns 198.51.100.53\n' > /etc/ppp/pppoe-server-options
pppoe_server() {  # REMOTE: the first address handed out. The ISP's pppd shares the router's
                  # files: empty hook directories over /etc/ppp's keep the router's hooks off it
    A unshare --mount --propagation private /bin/sh -c '
        for d in ip-up.d ip-down.d ipv6-up.d ipv6-down.d; do mount -t tmpfs tmpfs "/etc/ppp/$d"; done
        exec pppoe-server -I isp0 -L 100.64.0.1 -R "$1" -N 4 -k -X /run/pppoe-server.pid -g "$2"' \
        sh "$1" "$(ls /usr/lib/pppd/*/pppoe.so)"
}
pppoe_server 100.64.0.10
# ISP B: DHCP
ip netns add uplink-lb-ispb
ip link add eth2 type veth peer name isp0 netns uplink-lb-ispb
B ip link set lo up; B ip link set isp0 up
B ip addr add 192.0.2.1/24 dev isp0
B ip addr add 198.51.100.2/32 dev lo
# (a 10-minute lease: no renewal within the run, each of which started the executable twice,
# 1.5 s of the machine's CPU each; the debian12 and debian13 tests renew)
B dnsmasq --no-resolv --no-hosts --port=0 --user=root --interface=isp0 --bind-interfaces \
    --dhcp-range=192.0.2.50,192.0.2.60,10m --dhcp-option=option:router,192.0.2.1 \
    --dhcp-leasefile=/run/dnsmasq-b.leases --pid-file=/run/dnsmasq-b.pid
for isp in a b; do
    mkdir -p /run/www-$isp; echo "isp$isp" > /run/www-$isp/index.html
    for i in $(seq 1 24); do ip netns exec uplink-lb-isp$isp ip addr add "203.0.113.$i/32" dev lo; done
    ip netns exec uplink-lb-isp$isp busybox httpd -p 80 -h /run/www-$isp
done

# the router: eth2 by DHCP, the PPPoE link by ifupdown's ppp method
cat > /etc/network/interfaces <<'END'
auto lo
iface lo inet loopback

iface eth2 inet dhcp

iface dsl-provider inet ppp
    pre-up ip link set eth1 up
    provider dsl-provider
END
cat > /etc/ppp/peers/dsl-provider <<'END'
plugin pppoe.so
nic-eth1
noauth
nodefaultroute
ifname ppp0
persist
maxfail 0
holdoff 1
lcp-echo-interval 1
lcp-echo-failure 3
noipdefault
usepeerdns
END

# 1. both links up with the shipped configuration (no uplink named): what the clients do alone
ifup eth2 > /tmp/ifup-eth2.log 2>&1; rc_eth2=$?
ifup dsl-provider > /tmp/ifup-dsl.log 2>&1; rc_dsl=$?
wait_kernel 60 has_address ppp0 100.64.0.10; t=$took
# what uplink-lb made (its protocol, 73): nothing, since the shipped file names no uplink
own_rules=$(ip -N -4 rule show | grep -c ' proto 73' || true)
own_routes=$(ip -N -4 route show table all | grep -c ' proto 73' || true)
result bound "{\"ifup_eth2\":$rc_eth2,\"ifup_dsl\":$rc_dsl,\"ppp_ms\":$t,\"own_rules\":$own_rules,\"own_routes\":$own_routes}"
fixture ppp-bound

# 2. uplink-lb configured and applied (flap damping off: ppp0 fails twice within minutes here),
#    with an event hook that writes under /var/lib (it runs in the check's sandbox)
cat > /etc/uplink-lb/events.d/50-record <<'END'
#!/bin/sh
echo "$UPLINK_LB_EVENT ${UPLINK_LB_DEVICE:-router}" >> /var/lib/vm-events.log
END
chmod 755 /etc/uplink-lb/events.d/50-record
cat > /etc/default/uplink-lb <<'END'
IFACE_DEVICE=( ppp0 eth2 )
IFACE_WEI=( 1 1 )
IFACE_CHECK_TARGETS=( 198.51.100.1 198.51.100.2 )
CHECK_FLAP_HOLD=0
END
uplink-lb validate > /tmp/validate.log 2>&1; rc_validate=$?
uplink-lb apply > /tmp/apply.log 2>&1; rc_apply=$?
result applied "{\"validate\":$rc_validate,\"apply\":$rc_apply,\"route\":\"$(ip -N route show default metric 10 | tr -s '\n\t ' ' ')\"}"
fixture ppp-applied
result balanced "$(spread)"
uplink-lb status > /tmp/status.txt 2>&1
echo "== status"; cat /tmp/status.txt

# 3. the health check, as systemd runs it. uplink-lb.timer (enabled by the package) started it at
#    boot, when the shipped file named no uplink: invalid, so it ended (exit 2) and is tried
#    again each minute; an administrator who has configured the uplinks starts it at once.
main_pid() { systemctl show -p MainPID --value uplink-lb.service; }
# the boot run's end, from the journal: the timer may have started another run since the
# configuration was written (at a minute boundary, which a slow machine reaches first)
boot_exit() { journalctl -b -u uplink-lb.service -o cat | sed -n 's/.*Main process exited, code=exited, status=\([0-9]*\).*/\1/p' | head -n 1; }
poll=0.5 wait_until 60 sh -c '[ -n "$(journalctl -b -u uplink-lb.service -o cat | grep "Main process exited")" ]'; t_boot=$took
boot_status=$(boot_exit)
timer="$(systemctl is-enabled uplink-lb.timer) $(systemctl is-active uplink-lb.timer)"
# a run that cron started before (an upgrade from a version without the unit) still holds the
# check's lock: the service waits for it (not a restart a second, each ending at once). The
# timer and a run it started are stopped first, so that cron's run takes the lock.
systemctl stop uplink-lb.timer uplink-lb.service
uplink-lb check > /dev/null 2>&1 &
cron_run=$!
# it holds the lock once its run record names it (an emulated start takes seconds)
wait_until 60 check_run_is "$cron_run"; t_held=$took
systemctl start --no-block uplink-lb.service; rc_start=$?
poll=0.25 wait_until 30 sh -c '[ "$(systemctl is-active uplink-lb.service)" = activating ]'
sleep 4
waiting="$(systemctl is-active uplink-lb.service) $(systemctl show -p NRestarts --value uplink-lb.service)"
kill "$cron_run"; wait "$cron_run"
poll=0.25 wait_until 30 sh -c '[ "$(systemctl is-active uplink-lb.service)" = active ] && [ "$(systemctl show -p MainPID --value uplink-lb.service)" != 0 ]'; t_took_over=$took
systemctl start uplink-lb.timer
sleep 4
check=$(main_pid)
result systemd_start "{\"boot_start_wait_ms\":$t_boot,\"boot_exit\":\"$boot_status\",\"timer\":\"$timer\",\"start\":$rc_start,\"held_ms\":$t_held,\"while_held\":\"$waiting\",\"took_over_ms\":$t_took_over,\"active\":\"$(systemctl is-active uplink-lb.service)\",\"pid\":${check:-0}}"

# 4. the PPPoE server's link cut: out of the route, new connections go to ISP B
missing_since= missing_until=
A ip link set isp0 down
wait_kernel 30 balanced_without ppp0; t=$took
now_ms; start=$now
# pppd gives up after 3 unanswered echoes, and ppp0 goes away
wait_kernel 30 not test -e /sys/class/net/ppp0; gone=$took
wait_kernel 30 balanced_without ppp0
gap=$(( ${missing_until:-${missing_since:-0}} - ${missing_since:-0} ))
result failover "{\"route_ms\":$t,\"device_gone_ms\":$((t + gone)),\"route_missing_ms\":$gap,\"spread\":$(spread)}"

# 5. the server back, handing out another address: pppd (persist) dials again, the rules follow
kill "$(cat /run/pppoe-server.pid)"
sleep 1
pppoe_server 100.64.0.20
now_ms; start=$now
A ip link set isp0 up
wait_kernel 60 has_address ppp0 100.64.0.20; t_addr=$took
wait_kernel 60 in_route ppp0; t_route=$took
rules=$(ip -4 rule show | tr '\n' ';')
case "$rules" in *"from 100.64.0.20 lookup"*) new=true ;; *) new=false ;; esac
case "$rules" in *"from 100.64.0.10 "*) old=true ;; *) old=false ;; esac
# the peer's resolver (DNS1, usepeerdns), recorded by this ip-up, heads /etc/resolv.conf
wait_until 30 has_line /etc/resolv.conf 'nameserver 198.51.100.53'
resolvers=$(sed -n 's/^nameserver //p' /etc/resolv.conf | tr '\n' ' ')
result reconnect "{\"address_ms\":$((t_addr)),\"route_after_address_ms\":$t_route,\"new_rule\":$new,\"old_rule\":$old,\"spread\":$(spread),\"resolvers\":\"$resolvers\"}"

# 6. the ISP's network behind the PPP link dead (the link itself stays up): the check drains it
A ip addr del 198.51.100.1/32 dev lo
wait_kernel 30 not in_route ppp0; t=$took
A ip addr add 198.51.100.1/32 dev lo
wait_kernel 30 in_route ppp0; t_back=$took
result upstream "{\"drained_ms\":$t,\"back_ms\":$t_back}"

# 7. ifdown: pppd ends, the uplink goes; ifup: it comes back
missing_since= missing_until=
ifdown dsl-provider > /tmp/ifdown-dsl.log 2>&1; rc_down=$?
wait_kernel 30 balanced_without ppp0; t=$took
wait_kernel 30 no_rule_to 201; t_rules=$took
gap=$(( ${missing_until:-${missing_since:-0}} - ${missing_since:-0} ))
result ifdown "{\"rc\":$rc_down,\"route_ms\":$t,\"rules_gone_ms\":$t_rules,\"route_missing_ms\":$gap,\"spread\":$(spread)}"
ifup dsl-provider > /tmp/ifup-dsl2.log 2>&1; rc_up=$?
wait_kernel 60 in_route ppp0; t=$took
result ifup "{\"rc\":$rc_up,\"route_ms\":$t}"
# 8. systemd keeps the check running: killed (-9), the next run is there a second later and
#    judges; cron's every-minute start steps aside while the timer is enabled; its sandbox
old=$(main_pid)
kill -9 "$old"
poll=0.25 wait_until 30 sh -c 'p=$(systemctl show -p MainPID --value uplink-lb.service); [ "$p" != 0 ] && [ "$p" != "$1" ]' sh "$old"; t_restart=$took
new=$(main_pid)
before=$(stat -c %Y /run/uplink-lb/health.json)
poll=0.25 wait_until 30 sh -c '[ "$(stat -c %Y /run/uplink-lb/health.json)" != "$1" ]' sh "$before"; t_record=$took
wait_kernel 30 in_route ppp0; t_ppp0=$took
uplink-lb status > /dev/null 2>&1; rc_status=$?
now_ms; since=$now; /usr/lib/uplink-lb/cron-start; rc_cron=$?; now_ms; cron_ms=$(( now - since ))
checks=$(ps -eo args= | grep -c '^/usr/sbin/uplink-lb check$')
capbnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$new/status")
nnp=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "/proc/$new/status")
exposure=$(systemd-analyze security --no-pager uplink-lb.service 2>/dev/null | sed -n 's/.*Overall exposure level for uplink-lb.service: *\([0-9.]* [A-Z]*\).*/\1/p')
fields=$(journalctl -q -b --no-pager -o cat UPLINK_LB_DEVICE=ppp0 | wc -l)
events=$(tr '\n' ',' < /var/lib/vm-events.log 2>/dev/null)
result systemd "{\"killed\":$old,\"restarted\":$new,\"restart_ms\":$t_restart,\"record_ms\":$t_record,\"ppp0_in_route_ms\":$t_ppp0,\"status\":$rc_status,\"cron_start\":$rc_cron,\"cron_start_ms\":$cron_ms,\"checks\":$checks,\"capbnd\":\"$capbnd\",\"no_new_privs\":\"$nnp\",\"exposure\":\"$exposure\",\"journal_ppp0_entries\":$fields,\"events\":\"$events\"}"

for f in /tmp/ifup-eth2.log /tmp/ifup-dsl.log /tmp/validate.log /tmp/apply.log /tmp/ifdown-dsl.log /tmp/ifup-dsl2.log; do
    echo "== $f"; cat "$f"
done
