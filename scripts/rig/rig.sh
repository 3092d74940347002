#!/bin/bash
# rig.sh: a multi-ISP Debian router built from network namespaces, for tests and the demo.
#
#   uplink-lb-lan --lan0-- uplink-lb-router --eth1-- uplink-lb-isp1 --up0--+
#                                           --eth2-- uplink-lb-isp2 --up0--+-- uplink-lb-inet
#                                           --ethN-- uplink-lb-ispN --up0--+   (192.0.2.10 server)
#
# The router runs the real ifupdown and dhclient. Its /etc/network, /etc/dhcp, /etc/iproute2,
# /etc/default and /etc/resolv.conf are /etc/netns/uplink-lb-router/* (ip netns exec bind-mounts
# them), and commands run through `rx` get a private /run and /var/lib/dhcp, so nothing of the
# host's network configuration or state is touched. Every address is a documentation or
# benchmarking range that exists only inside these namespaces.
#
# usage: rig.sh up [N]              N simulated ISPs (default 2), dnsmasq on each, the server
#        rig.sh down                stop what the rig started (by pid), delete namespaces and /etc/netns entry
#        rig.sh install|uninstall   make install/uninstall of the project into the router
#        rig.sh rx CMD...           run CMD in the router (private /run, /var/lib/dhcp)
#        rig.sh x NS CMD...         run CMD in uplink-lb-NS
#        rig.sh ifup|ifdown IF...   the real ifupdown in the router
#        rig.sh dist N [lan|router] [TIMEOUT]  N new TCP connections -> JSON counts per ISP
#        rig.sh hold N SECONDS [ADDR]  N long-lived LAN connections (to ADDR: the server's IPv6 address too) -> JSON: opened per ISP, broken (when, which)
#        rig.sh stream RATE SECONDS [TIMEOUT]  new LAN connections at RATE/s -> a JSON line each
#        rig.sh nat                 (re)create the router's masquerade table
#        rig.sh lan-server PORT N   echo server on the LAN client, ports PORT..PORT+N-1
#        rig.sh connect NS ADDR PORT N [TIMEOUT]  N new connections from NS -> JSON counts (ADDR IPv4 or IPv6)
#        rig.sh fail ispN MODE      none|upstream|gw-ip|gw-all|icmp|ipv6|dhcp|carrier (icmp: forwards all but ICMP;
#                                   ipv6: forwards IPv4 only)
#        rig.sh dhcp-router ispN GW [DNS]  the ISP's DHCP server hands out GW as the router (and DNS
#                                   as the resolver) from now on
#                                   (RIG_LEASE=2m at `up` makes dhclient renew after about a minute;
#                                   RIG_RENEW=S sets the lease's renewal time T1 to S seconds, T2 later)
#        rig.sh pd-move ispN POOL   (RIG_IPV6) the ISP delegates POOL, a /56 of its /48, from now on:
#                                   the router's next renewal moves its prefix (RIG_PD_RENEW=S at
#                                   `up`: renewals every S seconds, default 600)
#        rig.sh lan-dns             start the router's LAN resolver: dnsmasq on 198.19.10.1, upstreams
#                                   from the router's /etc/resolv.conf
#        rig.sh lookups RATE SECONDS [TIMEOUT]  the LAN client looks up new names under test.example
#                                   at RATE/s through the router's resolver -> a JSON line per lookup
#        rig.sh cron                start Debian's cron in the router (runs the installed /etc/cron.d entry)
#        rig.sh kernel              rules, routes of all tables (for before/after comparisons)
#        rig.sh syslog CMD...       CMD in the router, then what it sent to syslog (a listener on its /dev/log)
#        rig.sh dist6 N [lan|router] [TIMEOUT]  the same over IPv6 (RIG_IPV6 rigs)
#        rig.sh lan-ra dnsmasq|radvd CONF  the router's LAN router advertisements from dnsmasq (as
#                                   `up` starts it) or from radvd with the router's CONF (RIG_IPV6)
#        rig.sh status
#
# RIG_DNS=1 at `up` gives each ISP i a resolver, 192.0.2.(50+i) in the internet's namespace (beyond the
# ISP's gateway: its upstream failure takes it away), that answers every name under test.example
# and only the ISP's own customers; the ISP's DHCP server hands it out (with RIG_IPV6 also at
# 2001:db8:ff:53::i for the ISP's /48, handed out by its DHCPv6 server).
#
# RIG_IPV6=1 at `up` makes the rig dual-stack: each ISP i sends router advertisements (radvd)
# for its WAN network 2001:db8:i::/64, delegates 2001:db8:i:100::/56 to the router with a real
# DHCPv6 server (kea-dhcp6, prefix delegation) and routes it there, and drops foreign IPv6
# sources too; the server listens on 2001:db8:ff::10 as well; the router's uplinks get
# `inet6 auto` with `request_prefix 1` (dhclient -6 -P; a root without dhclient leaves IPv6 to
# dhcpcd, which takes it on by itself for `inet dhcp`); dnsmasq on the router announces the
# LAN's prefixes (every global /64 on lan0) to the LAN client, which takes addresses by SLAAC.
#
# RIG_NAME (default uplink-lb) names the namespaces (RIG_NAME-router, ...): rigs with different
# names run side by side (the end-to-end tests run one per vitest worker).
#
# RIG_ROOT=SUITE (e.g. trixie) gives the router another Debian's userland: a copy of the root
# that scripts/rig/debian-root.sh made (cached where scripts/rig/root-cache.sh says) is entered with chroot
# inside the router's namespace, with the rig's private /run bound over its /run; its own
# /etc/network/interfaces is written there. `rig.sh apt ARGS` runs apt-get in that root, and
# `rig.sh chroot CMD` any command (in the host's network namespace, to reach the Debian mirror:
# never a network command; a policy-rc.d keeps every service from starting there), `rig.sh
# root` prints its path.
set -euo pipefail
# Debian's python3 (scripts/debian-deps.sh installs it) for the traffic scripts: a python3 found
# first in PATH may be a version manager's shim (pyenv's costs 0.3 s of CPU a start, against 0.02)
PY=/usr/bin/python3

# where this script is, without a subshell or dirname: the tests run it thousands of times
# (each subshell and process is milliseconds of a loaded machine's CPU)
case $0 in */*) HERE=${0%/*} ;; *) HERE=. ;; esac
cd -- "$HERE" && HERE=$PWD && cd -- "$OLDPWD" || exit 1
ROOT=${HERE%/scripts/rig}
P=${RIG_NAME:-uplink-lb}
[[ $P =~ ^uplink-lb(-[a-z0-9]+)?$ ]] || { echo "rig: RIG_NAME must be uplink-lb or uplink-lb-WORD" >&2; exit 2; }
if [ "$P" = uplink-lb ]; then SUFFIX=; else SUFFIX=-${P#uplink-lb-}; fi
ST=${RIG_STATE:-$ROOT/test/.state/rig$SUFFIX}
BUILD=$ROOT/test/.state/build$SUFFIX
R=$P-router NET=$P-inet LAN=$P-lan
ETCNS=/etc/netns/$R
SRV=192.0.2.10 PORT_BASE=20000 PORT_COUNT=${RIG_PORTS:-400}
SRV6=2001:db8:ff::10
LEASE=${RIG_LEASE:-10m}
RENEW=${RIG_RENEW:-}
[ -z "$RENEW" ] || [[ $RENEW =~ ^[1-9][0-9]*$ ]] || { echo "rig: RIG_RENEW must be a number of seconds" >&2; exit 2; }
PREFIX_DIR=$ST/prefix
BIN=$PREFIX_DIR/sbin/uplink-lb
SUITE=${RIG_ROOT:-}
[ -z "$SUITE" ] || [[ $SUITE =~ ^[a-z]+$ ]] || { echo "rig: RIG_ROOT must be a Debian suite name" >&2; exit 2; }
CHROOT=$ST/root
if [ -n "$SUITE" ]; then BIN=/usr/sbin/uplink-lb; fi

die() { echo "rig: $*" >&2; exit 1; }
count() { cat "$ST/isps" 2>/dev/null || echo 0; }
# RIG_SAME_NET=1: every ISP hands out the same network, 198.51.100.0/24 via .1 (ISP i gives
# the router .10i), and NATs like a consumer modem, so the server sees ISP i as 198.18.i.1.
SAME_NET=${RIG_SAME_NET:-}
[ -e "$ST/same-net" ] && SAME_NET=1   # a rig brought up that way stays that way
subnet() {  # ISP i's subnet towards the router: .1 gateway
    if [ -n "$SAME_NET" ]; then echo 198.51.100; else echo "198.18.$((100 + $1))"; fi
}
seen_as() {  # how the server sees a connection through ISP i: a source address prefix
    if [ -n "$SAME_NET" ]; then echo "198.18.$1.1"; else echo "$(subnet "$1")."; fi
}
uplink() { echo "198.18.$1"; }                # ISP i <-> inet /30: .1 ISP, .2 inet
IPV6=${RIG_IPV6:-}
DNS=${RIG_DNS:-}
resolver() { echo "192.0.2.$((50 + $1))"; }   # ISP i's resolver, beyond its gateway (RIG_DNS)
resolver6() { echo "2001:db8:ff:53::$1"; }     # the same resolver's IPv6 address (RIG_DNS with RIG_IPV6)
[ -e "$ST/ipv6" ] && IPV6=1   # a rig brought up dual-stack stays so
[ -e "$ST/dns" ] && DNS=1
# ISP i's IPv6: its WAN network (the router's uplink), the prefix it delegates, and the router's
# link-local address on eth i (EUI-64 of its fixed MAC 02:00:00:00:0i:02)
wan6() { echo "2001:db8:$1::"; }
pd6() { echo "2001:db8:$1:100::/56"; }
router_ll6() { printf 'fe80::ff:fe00:%x02' "$1"; }
x() { local ns=$P-$1; shift; ip netns exec "$ns" "$@"; }
# The router's shell: the host's userland with a private /run and /var/lib/dhcp, or (RIG_ROOT)
# the Debian root entered with chroot, its /proc, /sys (the namespace's), /dev and the private
# /run mounted inside `ip netns exec`'s own mount namespace, so nothing shows on the host.
ROUTER_SH='mount --bind "$1" /run && mount --bind "$2" /var/lib/dhcp && shift 3 && exec "$@"'
ROOT_SH='r=$3; mount --bind "$1" "$r/run" && mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" && mount --rbind /dev "$r/dev" && shift 3 && exec chroot "$r" "$@"'
if [ -n "$SUITE" ]; then ROUTER_SH=$ROOT_SH; fi
rx() {
    [ -d "$ST/router/run" ] || die "rig is not up"
    # unshare --uts: dhclient-script may call hostname(1); keep it off the host
    ip netns exec "$R" unshare --uts /bin/sh -c "$ROUTER_SH" \
        rx "$ST/router/run" "$ST/router/varlibdhcp" "$CHROOT" "$@"
}
rx_exec() {  # like rx, but this shell becomes CMD: its pid is the caller's child's pid
    [ -d "$ST/router/run" ] || die "rig is not up"
    exec ip netns exec "$R" unshare --uts /bin/sh -c "$ROUTER_SH" \
        rx "$ST/router/run" "$ST/router/varlibdhcp" "$CHROOT" "$@"
}
# syslog CMD: CMD in the router with a /dev of its own (a tmpfs holding the host's null, zero,
# random, urandom and tty) whose /dev/log is read by scripts/rig/syslog_listener.py: prints
# CMD's output, then `== syslog` and what reached syslog. Host mode only.
ROUTER_SYSLOG_SH='d=$3/dev; mkdir -p "$d" && mount -t tmpfs tmpfs "$d" &&
    for n in null zero random urandom tty; do touch "$d/$n" && mount --bind "/dev/$n" "$d/$n" || exit 1; done &&
    mount --bind "$d" /dev && mount --bind "$1" /run && mount --bind "$2" /var/lib/dhcp || exit 1
    log=$3/syslog.txt; : > "$log"; rm -f "$3/syslog.ready"
    /usr/bin/python3 "$4" /dev/log "$log" "$3/syslog.ready" & listener=$!
    while [ ! -e "$3/syslog.ready" ]; do sleep 0.05; done
    shift 4; "$@"; rc=$?
    sleep 0.2; kill "$listener"; wait "$listener" 2>/dev/null
    echo "== syslog"; cat "$log"; exit $rc'
cmd_syslog() {
    [ -z "$SUITE" ] || die "syslog: host mode only"
    [ -d "$ST/router/run" ] || die "rig is not up"
    ip netns exec "$R" unshare --uts /bin/sh -c "$ROUTER_SYSLOG_SH" \
        rx "$ST/router/run" "$ST/router/varlibdhcp" "$ST/router" "$HERE/syslog_listener.py" "$@"
}

root_run() {  # CMD in the root, in the host's network namespace (root-run.sh: apt reaches the mirror)
    [ -n "$SUITE" ] && [ -d "$CHROOT/etc" ] || die "no Debian root (RIG_ROOT)"
    "$HERE/root-run.sh" "$CHROOT" "$@"
}

router_interfaces() {
    local n=$1 i
    {
        echo "# uplink-lb rig: router interfaces"
        printf 'auto lo\niface lo inet loopback\n\nauto lan0\niface lan0 inet static\n    address 198.19.10.1/24\n'
        for i in $(seq "$n"); do
            if [[ " ${RIG_STATIC:-} " == *" $i "* ]]; then
                printf '\niface eth%d inet static\n    address %s.2/24\n' "$i" "$(subnet "$i")"
            else
                printf '\niface eth%d inet dhcp\n' "$i"
            fi
            # (a root without dhclient has dhcpcd, which does IPv6 of its own for `inet dhcp`:
            # router advertisements, stateless DHCPv6; ifupdown's inet6 stanza would want dhclient)
            if [ -n "$IPV6" ] && { [ -z "$SUITE" ] || [ -e "$CHROOT/sbin/dhclient" ]; }; then
                printf 'iface eth%d inet6 auto\n    dhcp 1\n    request_prefix 1\n' "$i"
            fi
        done
    }
}

write_router_etc() {
    local n=$1
    if [ -n "$SUITE" ]; then  # the root's own /etc: only files the rig owns there are written
        router_interfaces "$n" > "$CHROOT/etc/network/interfaces"
        return 0
    fi
    rm -rf "$ETCNS"; mkdir -p "$ETCNS"/network/{if-pre-up.d,if-up.d,if-down.d,if-post-down.d,interfaces.d} "$ETCNS/default"
    router_interfaces "$n" > "$ETCNS/network/interfaces"
    cp -a /etc/dhcp "$ETCNS/dhcp"
    # a dead DHCP server costs 5 s instead of dhclient's default 60 s
    printf '\n# uplink-lb rig\ntimeout %s;\n' "${RIG_DHCP_TIMEOUT:-5}" >> "$ETCNS/dhcp/dhclient.conf"
    rm -f "$ETCNS/dhcp/dhclient-exit-hooks.d/timesyncd"
    cp -a /etc/iproute2 "$ETCNS/iproute2"
    mkdir -p "$ETCNS/iproute2/rt_tables.d" "$ETCNS/iproute2/rt_protos.d" "$ETCNS/cron.d"
    echo "# uplink-lb rig resolv.conf (dhclient-script writes here)" > "$ETCNS/resolv.conf"
}

start_dnsmasq() {  # ISP ROUTER [DNS]: the ISP's DHCP server, handing out ROUTER as the gateway
                   # and DNS as the resolver (default: the ISP's resolver with RIG_DNS, else .1)
    local i=$1 router=$2 dns=${3:-} s; s=$(subnet "$1")
    [ -n "$dns" ] || if [ -n "$DNS" ]; then dns=$(resolver "$i"); else dns=$s.1; fi
    x "isp$i" dnsmasq --conf-file=/dev/null --port=0 --interface=down0 --bind-interfaces \
        --dhcp-authoritative --dhcp-range="$s.100,$s.199,255.255.255.0,$LEASE" \
        ${SAME_NET:+--dhcp-host=02:00:00:00:$(printf %02x "$i"):02,$s.$((100 + i))} \
        --dhcp-option=option:router,"$router" --dhcp-option=option:dns-server,"$dns" \
        ${RENEW:+--dhcp-option=option:T1,$RENEW --dhcp-option=option:T2,$((RENEW * 3 / 2))} \
        --dhcp-leasefile="$ST/isp$i/dnsmasq.leases" --pid-file="$ST/isp$i/dnsmasq.pid" \
        --log-dhcp --log-facility="$ST/isp$i/dnsmasq.log" --no-ping
}

isp_ipv6() {  # ISP I's IPv6: addresses and routes, router advertisements, DHCPv6 with prefix delegation
    local i=$1 ns=$P-isp$1 dir=$ST/isp$1
    ip -n "$ns" addr add "$(wan6 "$i")1/64" dev down0 nodad
    ip -n "$ns" addr add "2001:db8:ff:$i::1/64" dev up0 nodad
    ip -n "$NET" addr add "2001:db8:ff:$i::2/64" dev "isp$i" nodad
    ip -n "$ns" -6 route add default via "2001:db8:ff:$i::2"
    ip -n "$NET" -6 route add "2001:db8:$i::/48" via "2001:db8:ff:$i::1"
    # the delegated prefix is routed to the router (the DHCPv6 server does not do it)
    ip -n "$ns" -6 route add "$(pd6 "$i")" via "$(router_ll6 "$i")" dev down0
    x "isp$i" sysctl -qw net.ipv6.conf.all.forwarding=1
    # a carrier failure (down0 down) keeps the ISP's addresses, as a real ISP's router does
    x "isp$i" sysctl -qw net.ipv6.conf.down0.keep_addr_on_down=1
    x "isp$i" nft add rule inet rig_bcp38 fwdchk iifname "down0" ip6 saddr != "2001:db8:$i::/48" counter drop
    # an advertisement every 3-10 s (router lifetime 30 s), the WAN network for SLAAC
    # (with RIG_DNS its resolver too, as RDNSS)
    printf 'interface down0 {\n  AdvSendAdvert on;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 10;\n  AdvOtherConfigFlag on;\n  prefix %s/64 { AdvOnLink on; AdvAutonomous on; };\n%s\n};\n' "$(wan6 "$i")" \
        "$(if [ -n "$DNS" ]; then printf '  RDNSS %s { };' "$(resolver6 "$i")"; fi)" > "$dir/radvd.conf"
    x "isp$i" radvd -C "$dir/radvd.conf" -p "$dir/radvd.pid" -m logfile -l "$dir/radvd.log" || die "radvd did not start: $(cat "$dir/radvd.log")"
    start_kea "$i" "$(pd6 "$i")"
}

start_kea() {  # ISP POOL: ISP I's DHCPv6 server, delegating POOL (a /56) with no leases yet
    local i=$1 pool=$2 dir=$ST/isp$1
    cat > "$dir/kea-dhcp6.json" <<JSON
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "down0" ], "service-sockets-max-retries": 100000, "service-sockets-retry-wait-time": 500 },
  "server-id": { "type": "LL", "persist": false },
  "lease-database": { "type": "memfile", "persist": false },
  "renew-timer": ${RIG_PD_RENEW:-600}, "rebind-timer": $(( ${RIG_PD_RENEW:-600} * 3 / 2 )),
  "preferred-lifetime": $(( ${RIG_PD_RENEW:-600} * 2 )), "valid-lifetime": $(( ${RIG_PD_RENEW:-600} * 3 )),
  "subnet6": [ { "subnet": "$(wan6 "$i")/64", "interface": "down0",$(if [ -n "$DNS" ]; then printf '\n    "option-data": [ { "name": "dns-servers", "data": "%s" } ],' "$(resolver6 "$i")"; fi)
    "pd-pools": [ { "prefix": "${pool%/*}", "prefix-len": 56, "delegated-len": 56 } ] } ],
  "loggers": [ { "name": "kea-dhcp6", "output_options": [ { "output": "$dir/kea-dhcp6.log" } ], "severity": "INFO" } ]
} }
JSON
    KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=$dir setsid ip netns exec "$P-isp$i" kea-dhcp6 -c "$dir/kea-dhcp6.json" </dev/null >"$dir/kea-dhcp6.out" 2>&1 &
}

cmd_pd_move() {  # ispN POOL: the ISP delegates POOL (a /56 of its /48) from now on, routed to the
    # router; its DHCPv6 server restarts without its leases, so the router's next renewal gets
    # the new prefix and the old one with lifetime 0 (the old one stays routed, as at an ISP
    # whose old prefix is valid until its lifetime ends)
    local i=${1#isp} pool=$2
    [[ $pool == 2001:db8:$i:*::/56 ]] || die "pd-move: $pool is not a /56 of isp$i's 2001:db8:$i::/48"
    ip -n "$P-isp$i" -6 route replace "$pool" via "$(router_ll6 "$i")" dev down0
    killpid "$ST/isp$i/kea-dhcp6.kea-dhcp6.pid" kea-dhcp6
    start_kea "$i" "$pool"
}

isp_resolver() {  # ISP I's resolver (RIG_DNS): beyond the ISP's gateway, in the internet's namespace,
    # so that the ISP's upstream failure takes it away too; it answers every name under
    # test.example (192.0.2.10), and only the ISP's own customers: a query from another source is
    # dropped, as an ISP's resolver that serves only its network does
    # (with RIG_IPV6 also at resolver6 I, answering only the ISP's /48: the router's WAN address
    # and delegated prefix; its DHCPv6 server hands it out)
    local i=$1 r r6 six=() drop6=; r=$(resolver "$1"); r6=$(resolver6 "$1")
    ip -n "$NET" addr add "$r/32" dev lo
    if [ -n "$IPV6" ]; then
        ip -n "$NET" addr add "$r6/128" dev lo nodad
        six=(--listen-address="$r6" --address=/test.example/"$SRV6")
        drop6="ip6 daddr $r6 meta l4proto { udp, tcp } th dport 53 ip6 saddr != 2001:db8:$i::/48 counter drop"
    fi
    x inet nft -f - <<NFT
table inet rig_resolver$i {
  chain in { type filter hook input priority 0; policy accept;
    ip daddr $r meta l4proto { udp, tcp } th dport 53 ip saddr != $(subnet "$i").0/24 counter drop
    $drop6
  }
}
NFT
    x inet dnsmasq --conf-file=/dev/null --listen-address="$r" --bind-interfaces --no-resolv --no-hosts \
        --address=/test.example/192.0.2.10 "${six[@]}" --pid-file="$ST/inet/resolver$i.pid" --log-facility="$ST/inet/resolver$i.log"
}

lan_ra_dnsmasq() {  # the LAN's router advertisements: dnsmasq announces every global /64 on
    # lan0 (uplink-lb puts one of each delegated prefix there), with the lifetimes the addresses have
    x router dnsmasq --conf-file=/dev/null --port=0 --interface=lan0 --bind-dynamic --enable-ra \
        --dhcp-range=::,constructor:lan0,ra-only --ra-param=lan0,10 \
        --pid-file="$ST/router/dnsmasq-ra.pid" --log-facility="$ST/router/dnsmasq-ra.log"
}

cmd_lan_ra() {  # dnsmasq | radvd CONF: the daemon that announces the LAN's prefixes (RIG_IPV6):
    # dnsmasq (as `up` starts it), or radvd with the router's CONF (its pid in the router's
    # /run/radvd.pid, where uplink-lb finds it to reload it)
    killpid "$ST/router/dnsmasq-ra.pid" dnsmasq
    killpid "$ST/router/run/radvd.pid" radvd
    case ${1:-} in
    dnsmasq) lan_ra_dnsmasq ;;
    radvd) rx radvd -C "${2:?lan-ra radvd CONF}" -p /run/radvd.pid -m logfile -l /run/radvd.log ||
               die "radvd did not start: $(cat "$ST/router/run/radvd.log" 2>/dev/null)" ;;
    *) die "lan-ra: dnsmasq or radvd CONF" ;;
    esac
}

cmd_lan_dns() {  # the router's LAN resolver: dnsmasq on lan0 (198.19.10.1) whose upstreams are
    # the router's /etc/resolv.conf, as many routers run it. Named by its real path: dnsmasq
    # learns of a change by inotify on the file's directory, and the kernel reports a write there,
    # not under /etc where `ip netns exec` bind-mounts it (on a router the two are one)
    killpid "$ST/router/dnsmasq-dns.pid" dnsmasq
    rx dnsmasq --conf-file=/dev/null --listen-address=198.19.10.1 --bind-interfaces --no-hosts \
        --resolv-file="$(if [ -n "$SUITE" ]; then echo /etc; else echo "$ETCNS"; fi)/resolv.conf" \
        --pid-file="$ST/router/dnsmasq-dns.pid" --log-facility="$ST/router/dnsmasq-dns.log"
}

cmd_dhcp_router() {  # ispN GATEWAY [DNS]: the ISP moves its gateway (and its resolver);
                     # renewals hand out the new ones
    local i=${1#isp} gw=$2 dns=${3:-}
    ip -n "$P-isp$i" addr add "$gw/24" dev down0 2>/dev/null || true
    killpid "$ST/isp$i/dnsmasq.pid" dnsmasq
    start_dnsmasq "$i" "$gw" "$dns"
}

unmount_run() {  # the router's /run tmpfs, mounted by cmd_up under the rig's state directory
    if mountpoint -q "$ST/router/run" 2>/dev/null; then umount "$ST/router/run" 2>/dev/null || umount -l "$ST/router/run"; fi
}

cmd_up() {
    local n=${1:-2} i ns s u
    [ -e "/run/netns/$R" ] && die "$R exists; run '$0 down' first"
    command -v ifup >/dev/null && command -v dhclient >/dev/null && command -v dnsmasq >/dev/null || die "missing packages: run scripts/debian-deps.sh"
    if [ -n "$IPV6" ]; then command -v radvd >/dev/null && command -v kea-dhcp6 >/dev/null || die "missing radvd or kea-dhcp6: run scripts/debian-deps.sh"; fi
    unmount_run
    rm -rf "$ST"; mkdir -p "$ST"/{router/run,router/varlibdhcp,inet}
    # the router's /run is a tmpfs, as on Debian: what the check writes there (every probe's
    # line, the records every few seconds) costs what it costs on a router, not an ext4 journal
    mount -t tmpfs -o mode=0755,size=64m uplink-lb-run "$ST/router/run" || die "cannot mount a tmpfs on $ST/router/run"
    echo "$n" > "$ST/isps"
    if [ -n "$SAME_NET" ]; then touch "$ST/same-net"; fi
    if [ -n "$SUITE" ]; then
        "$HERE/debian-root.sh" "$SUITE" "$CHROOT" || die "no $SUITE root"
    fi
    for ns in "$R" "$NET" "$LAN"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
    ip -n "$R" link add name lan0 address 02:00:00:00:00:01 type veth peer name eth0 address 02:00:00:00:00:02 netns "$LAN"
    for i in $(seq "$n"); do
        ns=$P-isp$i s=$(subnet "$i") u=$(uplink "$i")
        mkdir -p "$ST/isp$i"
        ip netns add "$ns"; ip -n "$ns" link set lo up
        # fixed MACs: dnsmasq derives the offered address from them, so WAN addresses are stable
        ip -n "$R" link add name "eth$i" address "02:00:00:00:$(printf %02x "$i"):02" type veth peer name down0 address "02:00:00:00:$(printf %02x "$i"):01" netns "$ns"
        ip -n "$NET" link add name "isp$i" type veth peer name up0 netns "$ns"
        ip -n "$ns" addr add "$s.1/24" dev down0
        ip -n "$ns" addr add "$u.1/30" dev up0
        ip -n "$ns" link set down0 up; ip -n "$ns" link set up0 up
        ip -n "$ns" route add default via "$u.2"
        x "isp$i" sysctl -qw net.ipv4.ip_forward=1
        # BCP38: an ISP drops what does not come from its own subnet (a leak would show)
        x "isp$i" nft -f - <<NFT
table inet rig_bcp38 {
  chain fwdchk { type filter hook forward priority 0; policy accept;
    iifname "down0" ip saddr != $s.0/24 counter drop
  }
}
NFT
        ip -n "$NET" addr add "$u.2/30" dev "isp$i"; ip -n "$NET" link set "isp$i" up
        if [ -n "$SAME_NET" ]; then  # the ISP's own NAT: the internet sees only its address
            x "isp$i" nft -f - <<NFT
table ip rig_isp_nat {
  chain post { type nat hook postrouting priority srcnat; policy accept;
    oifname "up0" masquerade
  }
}
NFT
        else
            ip -n "$NET" route add "$s.0/24" via "$u.1"
        fi
        start_dnsmasq "$i" "$s.1"
        if [ -n "$IPV6" ]; then isp_ipv6 "$i"; fi
        if [ -n "$DNS" ]; then isp_resolver "$i"; fi
    done
    if [ -n "$DNS" ]; then touch "$ST/dns"; fi
    ip -n "$NET" addr add "$SRV/32" dev lo
    setsid ip netns exec "$NET" "$PY" "$HERE/server.py" "$SRV" "$PORT_BASE" "$PORT_COUNT" "$ST/inet/server.pid" \
        </dev/null >"$ST/inet/server.out" 2>&1 &
    if [ -n "$IPV6" ]; then
        touch "$ST/ipv6"
        ip -n "$NET" addr add "$SRV6/128" dev lo
        setsid ip netns exec "$NET" "$PY" "$HERE/server.py" "$SRV6" "$PORT_BASE" "$PORT_COUNT" "$ST/inet/server6.pid" \
            </dev/null >"$ST/inet/server6.out" 2>&1 &
        x router sysctl -qw net.ipv6.conf.all.forwarding=1
        lan_ra_dnsmasq
    fi
    ip -n "$LAN" addr add 198.19.10.2/24 dev eth0; ip -n "$LAN" link set eth0 up
    ip -n "$LAN" route add default via 198.19.10.1
    x router sysctl -qw net.ipv4.ip_forward=1
    # per-connection hashing, so new connections spread by weight
    x router sysctl -qw net.ipv4.fib_multipath_hash_policy=1
    cmd_nat
    write_router_etc "$n"
    rx ifup lo lan0 >/dev/null
    for _ in $(seq 50); do [ -s "$ST/inet/server.pid" ] && break; sleep 0.1; done
    [ -s "$ST/inet/server.pid" ] || die "server did not start: $(cat "$ST/inet/server.out")"
    echo "rig up: $n ISPs"
}

killpid() { "$HERE/killpid.sh" "$@"; }  # PIDFILE COMM: a process it started, by its recorded pid

own_namespaces() {  # exactly this rig's: another rig's names only share the prefix
    ip netns list | awk '{print $1}' | grep -E "^$P-(router|inet|lan|isp[0-9]+)\$" || true
}

cmd_down() {
    local f n p
    killpid "$ST/inet/server.pid" python3
    killpid "$ST/lan/server.pid" python3
    killpid "$ST/inet/server6.pid" python3
    killpid "$ST/router/dnsmasq-ra.pid" dnsmasq
    killpid "$ST/router/run/radvd.pid" radvd
    killpid "$ST/router/dnsmasq-dns.pid" dnsmasq
    for f in "$ST"/inet/resolver*.pid; do [ -e "$f" ] && killpid "$f" dnsmasq; done
    for f in "$ST"/isp*/dnsmasq.pid; do [ -e "$f" ] && killpid "$f" dnsmasq; done
    for f in "$ST"/isp*/radvd.pid; do [ -e "$f" ] && killpid "$f" radvd; done
    for f in "$ST"/isp*/kea-dhcp6.kea-dhcp6.pid; do [ -e "$f" ] && killpid "$f" kea-dhcp6; done
    for f in "$ST"/router/run/dhclient6*.pid; do [ -e "$f" ] && killpid "$f" dhclient; done
    for f in "$ST"/router/run/dhclient*.pid; do [ -e "$f" ] && killpid "$f" dhclient; done
    killpid "$ST/router/run/crond.pid" cron
    for f in "$ST"/router/run/udhcpc.*.pid; do [ -e "$f" ] && killpid "$f" udhcpc; done
    # whatever still lives in one of our namespaces was started by the rig or a test (`ip netns
    # pids`: the processes whose network namespace is that one, found by iproute2 in one pass)
    for n in $(own_namespaces); do
        for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    done
    sleep 0.2
    for n in $(own_namespaces); do ip netns del "$n"; done
    [ -n "$SUITE" ] || rm -rf "$ETCNS"
    rmdir /etc/netns 2>/dev/null || true
    unmount_run
    rm -rf "$ST"
    echo "rig down"
}

cmd_fail() {
    local isp=$1 mode=$2 ns=$P-$1
    ip netns exec "$ns" nft delete table inet rig_fail 2>/dev/null || true
    ip netns exec "$ns" nft delete table netdev rig_fail 2>/dev/null || true
    ip -n "$ns" link set down0 up
    # the delegated prefix's route, which the kernel dropped if down0 was down
    if [ -n "$IPV6" ]; then ip -n "$ns" -6 route replace "$(pd6 "${isp#isp}")" via "$(router_ll6 "${isp#isp}")" dev down0; fi
    case "$mode" in
    none) ;;
    upstream) ip netns exec "$ns" nft -f - <<< $'table inet rig_fail {\n chain fwdchk {\n  type filter hook forward priority -10; policy drop;\n }\n}' ;;
    gw-ip) ip netns exec "$ns" nft -f - <<< $'table inet rig_fail {\n chain prechk {\n  type filter hook prerouting priority -300;\n  iifname "down0" drop\n }\n}' ;;
    gw-all) ip netns exec "$ns" nft -f - <<< $'table netdev rig_fail {\n chain ingchk {\n  type filter hook ingress device "down0" priority -500; policy drop;\n }\n}' ;;
    icmp) ip netns exec "$ns" nft -f - <<< $'table inet rig_fail {\n chain fwdchk {\n  type filter hook forward priority -10;\n  meta l4proto icmp drop\n }\n}' ;;
    dhcp) ip netns exec "$ns" nft -f - <<< $'table inet rig_fail {\n chain inchk {\n  type filter hook input priority -10;\n  udp dport 67 drop\n }\n}' ;;
    ipv6) ip netns exec "$ns" nft -f - <<< $'table inet rig_fail {\n chain fwdchk {\n  type filter hook forward priority -10;\n  meta nfproto ipv6 drop\n }\n}' ;;
    carrier) ip -n "$ns" link set down0 down ;;
    *) die "unknown failure mode $mode" ;;
    esac
}

cmd_dist() {
    local n=${1:-100} where=${2:-lan} timeout=${3:-2} args=() i
    for i in $(seq "$(count)"); do args+=("isp$i=$(seen_as "$i")"); done
    if [ "$where" = lan ]; then x lan "$PY" "$HERE/client.py" "$SRV" "$PORT_BASE" "$n" "$timeout" "${args[@]}"
    else rx "$PY" "$HERE/client.py" "$SRV" "$PORT_BASE" "$n" "$timeout" "${args[@]}"; fi
}

cmd_dist6() {
    local n=${1:-100} where=${2:-lan} timeout=${3:-2} args=() i
    [ -n "$IPV6" ] || die "dist6: the rig is not dual-stack (RIG_IPV6=1 at up)"
    for i in $(seq "$(count)"); do args+=("isp$i=2001:db8:$i:"); done
    if [ "$where" = lan ]; then x lan "$PY" "$HERE/client.py" "$SRV6" "$PORT_BASE" "$n" "$timeout" "${args[@]}"
    else rx "$PY" "$HERE/client.py" "$SRV6" "$PORT_BASE" "$n" "$timeout" "${args[@]}"; fi
}

cmd_hold() {  # N SECONDS [ADDR]: N long-lived connections from the LAN (to the server, or to
              # ADDR: its IPv6 address too), a line every 0.5 s
    local n=${1:-200} seconds=${2:-30} addr=${3:-$SRV} args=() i
    for i in $(seq "$(count)"); do
        if [[ $addr == *:* ]]; then args+=("isp$i=2001:db8:$i:"); else args+=("isp$i=$(seen_as "$i")"); fi
    done
    x lan "$PY" "$HERE/hold.py" "$addr" "$PORT_BASE" "$n" "$seconds" 0.5 "${args[@]}"
}

cmd_lan_server() {  # PORT COUNT: the echo server on the LAN client (for port forwards to it)
    mkdir -p "$ST/lan"
    setsid ip netns exec "$LAN" "$PY" "$HERE/server.py" 198.19.10.2 "$1" "$2" "$ST/lan/server.pid" </dev/null >"$ST/lan/server.out" 2>&1 &
    for _ in $(seq 50); do [ -s "$ST/lan/server.pid" ] && return 0; sleep 0.1; done
    die "LAN server did not start: $(cat "$ST/lan/server.out")"
}

cmd_connect() {  # NS ADDR PORT N [TIMEOUT]: N new connections from NS to ADDR:PORT.. -> JSON counts per ISP
    local ns=$1 addr=$2 port=$3 n=$4 timeout=${5:-2} args=() i
    for i in $(seq "$(count)"); do
        if [[ $addr == *:* ]]; then args+=("isp$i=2001:db8:$i:"); else args+=("isp$i=$(seen_as "$i")"); fi
    done
    x "$ns" "$PY" "$HERE/client.py" "$addr" "$port" "$n" "$timeout" "${args[@]}"
}

cmd_stream() {  # RATE SECONDS [TIMEOUT] [ADDR]: new LAN connections at RATE/s (to the server, or
                # to ADDR: its IPv6 address too) -> one JSON line each
    local rate=$1 seconds=$2 timeout=${3:-1} addr=${4:-$SRV} args=() i
    for i in $(seq "$(count)"); do
        if [[ $addr == *:* ]]; then args+=("isp$i=2001:db8:$i:"); else args+=("isp$i=$(seen_as "$i")"); fi
    done
    x lan "$PY" "$HERE/stream.py" "$addr" "$PORT_BASE" "$PORT_COUNT" "$rate" "$seconds" "$timeout" "${args[@]}"
}

cmd_nat() {  # the router's masquerade on every ISP link (again, after a flush of the ruleset)
    local ifs i; ifs=$(for i in $(seq "$(count)"); do printf '"eth%d", ' "$i"; done)
    x router nft -f - <<NFT
table ip rig_nat {
  chain post { type nat hook postrouting priority srcnat; policy accept;
    oifname { ${ifs%, } } masquerade
  }
}
NFT
}

cmd_kernel() {  # everything a reconcile could touch, in a stable text form (rules of one
                # priority, uplink-lb's mark rules, sorted: the kernel lists them as they came)
    rx sh -c 'ip -4 rule show | sort -t: -k1,1n -k2; echo ==; ip -4 route show table all | grep -v "^local\|^broadcast" ; echo ==; ip nexthop show 2>/dev/null || true'
}

cmd_cron() {  # Debian's cron inside the router, reading the router's /etc/cron.d (make install puts the entry there)
    if [ -n "$SUITE" ]; then  # the root's own cron (the package pulls it in), its own crontab
        rx cron -L 15
        for _ in $(seq 20); do [ -s "$ST/router/run/crond.pid" ] && break; sleep 0.1; done
        echo "cron pid $(cat "$ST/router/run/crond.pid")"
        return 0
    fi
    command -v cron >/dev/null || die "missing cron: run scripts/debian-deps.sh"
    mkdir -p "$ETCNS/cron.d"
    # /etc/crontab is bind-mounted too, so the host's cron.hourly and friends never run in here
    printf 'SHELL=/bin/sh\n# uplink-lb rig: empty crontab for the router\n' > "$ETCNS/crontab"
    chmod 644 "$ETCNS/crontab"
    rx cron -L 15   # daemonises; its pid file lands in the router's private /run
    for _ in $(seq 20); do [ -s "$ST/router/run/crond.pid" ] && break; sleep 0.1; done
    echo "cron pid $(cat "$ST/router/run/crond.pid")"
}

# pppd's hooks go beside the prefix: `ip netns exec` binds every entry of $ETCNS over /etc, and
# fails loudly for one the host lacks (the host has no /etc/ppp, and the rig no PPP)
install_args() { echo BUILDDIR="$BUILD" SYSCONFDIR="$ETCNS" STATEDIR="$ST/router/varlib" PREFIX="$PREFIX_DIR" DHCPCD_HOOKDIR="$PREFIX_DIR/lib/dhcpcd/dhcpcd-hooks" PPP_HOOKDIR="$PREFIX_DIR/etc/ppp"; }

sub=${1:-}; shift || true
case "$sub" in
up) cmd_up "$@" ;;
down) cmd_down ;;
install) make -s -C "$ROOT" install $(install_args) ;;
uninstall) make -s -C "$ROOT" uninstall $(install_args) ;;
rx) rx_exec "$@" ;;
x) ns=$1; shift; x "$ns" "$@" ;;
ifup|ifdown) rx "$sub" "$@" ;;
dist) cmd_dist "$@" ;;
dist6) cmd_dist6 "$@" ;;
hold) cmd_hold "$@" ;;
stream) cmd_stream "$@" ;;
nat) cmd_nat ;;
lan-server) cmd_lan_server "$@" ;;
connect) cmd_connect "$@" ;;
fail) cmd_fail "$@" ;;
dhcp-router) cmd_dhcp_router "$@" ;;
pd-move) cmd_pd_move "$@" ;;
lan-dns) cmd_lan_dns ;;
lan-ra) cmd_lan_ra "$@" ;;
lookups) x lan "$PY" "$HERE/lookups.py" 198.19.10.1 "$@" ;;
cron) cmd_cron ;;
kernel) cmd_kernel ;;
bin) echo "$BIN" ;;
etc) if [ -n "$SUITE" ]; then echo "$CHROOT/etc"; else echo "$ETCNS"; fi ;;
root) echo "$CHROOT" ;;
apt) root_run apt-get "$@" ;;
chroot) root_run "$@" ;;
syslog) cmd_syslog "$@" ;;
status) rx "$BIN" status || true ;;
*) sed -n '2,/^set -euo pipefail/{/^set -euo/!p}' "$0"; exit 2 ;;
esac
