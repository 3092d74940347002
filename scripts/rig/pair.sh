#!/bin/bash
# pair.sh: a high-availability pair of routers in network namespaces, for the tests of a pair
# (keepalived holding the LAN gateway and each shared uplink's address, conntrackd sharing the
# connections over a link of their own, uplink-lb on both).
#
#                     +-- r1 (lan0 .2, eth1 .2, eth2 .2) --+
#   lan (br0: client   |        sync0 198.18.0.1/30        |   isp1 (br down0 198.18.101.1/24) --+
#        198.19.10.100)|              |                    |                                     +-- inet
#                     +-- r2 (lan0 .3, eth1 .3, eth2 .3) --+   isp2 (br down0 198.18.102.1/24) --+  (server 192.0.2.10,
#                                sync0 198.18.0.2/30                                              targets 192.0.2.20-21)
#                                                               isp3 (br down0 198.18.103.1/24, DHCP) -+
#
# isp1 and isp2 are shared uplinks (static, an address for each router and .10 for the pair,
# in IPv4 and in IPv6: 2001:db8:10i::/64, ::1 the ISP's router, ::2 r1, ::3 r2, ::10 the pair's);
# isp3 is active-only: its DHCP server gives one lease to whichever router asks, and only the
# active router brings eth3 up (ifupdown and dhclient in each router, with uplink-lb's hooks,
# /etc/network and /etc/dhcp of its own under /etc/netns/PAIR-rN, its own /var/lib/dhcp).
# The LAN gateway 198.19.10.1 and each ISP's 198.18.10i.10 are keepalived's (VRRPv3, one sync
# group, advert_int 0.1), held by the active router; LAN connections are translated to the
# latter (the site's own nftables table, as a router owner writes it). IPv6 the same way: the
# LAN's ULA fd00:19:10::/64 with the gateway fe80::1 and fd00:19:10::1 (keepalived's, in the same
# instance as the IPv4 address: excluded from its adverts), announced by radvd on both routers
# from fe80::1 only (so only by the active one), translated to the ISP's ::10; uplink-lb in IPv6
# translated mode (its own translation comes after the site's). Each router has its own
# /run (a directory of the pair's state bound over it), so uplink-lb's records, keepalived's
# and conntrackd's files stay apart. Every address exists only inside these namespaces.
#
# usage: pair.sh up                 namespaces, links, addresses, the site's firewall, the server
#        pair.sh start              configurations written (uplink-lb, conntrackd, keepalived),
#                                   uplink-lb applied and its check started on both routers, then
#                                   conntrackd and keepalived (r1 first: it becomes master)
#        pair.sh down               stop what the pair started (by pid), delete the namespaces
#        pair.sh rx r1|r2 CMD...    CMD in router 1 or 2 (its own /run)
#        pair.sh x NS CMD...        CMD in PAIR-NS (lan, isp1, isp2, inet)
#        pair.sh freeze r1|r2       the router dies: keepalived, conntrackd and the check
#                                   stopped (SIGSTOP), then every link of it down
#        pair.sh thaw r1|r2         it comes back: links up, the processes continued
#        pair.sh probes r1|r2 on|off [ispN]  the ISPs (or ispN) drop (off) or forward (on) what
#                                   the router sends from its own addresses: its probes fail, LAN
#                                   traffic (from the shared addresses) does not
#        pair.sh role r1|r2         the router's role as uplink-lb recorded it (MASTER, BACKUP, ...)
#        pair.sh ulb r1|r2 ARGS...  uplink-lb ARGS in the router (as installed there)
#        pair.sh master             which router holds the LAN gateway: r1, r2, both or none
#        pair.sh hold N SECONDS     N long-lived LAN connections -> JSON (scripts/rig/hold.py)
#        pair.sh stream RATE SECONDS [TIMEOUT]  new LAN connections at RATE/s -> a JSON line each
#        pair.sh hold6|stream6 ...  the same in IPv6
#        pair.sh ra                 the LAN client's IPv6 default route (from the advertisements)
#
# PAIR_NAME (default uplink-lb-pair) names the namespaces; BIN the uplink-lb executable
# (default: built by make for the pair, under test/.state). PAIR_ROOT=SUITE (trixie): each router
# runs another Debian's userland, a root of its own entered with chroot (scripts/rig/
# debian-root.sh) with keepalived, conntrackd, radvd, ifupdown and isc-dhcp-client from that
# Debian and uplink-lb's .deb installed by apt; the pair's state directory is bound at the same
# path inside, so every path below holds in both modes.
set -euo pipefail
# Debian's python3 (scripts/debian-deps.sh installs it) for the traffic scripts: a python3 found
# first in PATH may be a version manager's shim (pyenv's costs 0.3 s of CPU a start, against 0.02)
PY=/usr/bin/python3

# where this script is, without a subshell or dirname: the tests run it thousands of times
# (each subshell and process is milliseconds of a loaded machine's CPU)
case $0 in */*) HERE=${0%/*} ;; *) HERE=. ;; esac
cd -- "$HERE" && HERE=$PWD && cd -- "$OLDPWD" || exit 1
ROOT=${HERE%/scripts/rig}
P=${PAIR_NAME:-uplink-lb-pair}
[[ $P =~ ^uplink-lb-[a-z0-9]+$ ]] || { echo "pair: PAIR_NAME must be uplink-lb-WORD" >&2; exit 2; }
ST=$ROOT/test/.state/$P
# the executable the pair runs: BIN, or the one the tests' package is made from (make's default
# paths, which the pair's routers use: test/.state/deb, built once under the package's lock for
# every file that needs it); a copy of it (a build may replace the original while the pair runs)
SOURCE_BIN=${BIN:-}
BUILD=$ROOT/test/.state/deb
BIN=$ST/uplink-lb
ISPS=2       # the shared uplinks; ISP 3 is the active-only one
ALL=3
SRV=192.0.2.10 PORT_BASE=20000 PORT_COUNT=400
SRV6=2001:db8:ff::10
LAN_NET=198.19.10 VIP_LAN=198.19.10.1
LAN6=fd00:19:10: VIP_LAN6=fd00:19:10::1 VIP_LL=fe80::1
subnet() { echo "198.18.$((100 + $1))"; }   # ISP i's shared network: .1 its gateway, .2 r1, .3 r2, .10 the pair's
subnet6() { echo "2001:db8:$((100 + $1)):"; }  # the same in IPv6: SUBNET6:1, :2, :3, :10 (a /64)
host() { [ "$1" = r1 ] && echo 2 || echo 3; }  # a router's host number on every shared network

die() { echo "pair: $*" >&2; exit 1; }
x() { local ns=$P-$1; shift; ip netns exec "$ns" "$@"; }
router() { [[ $1 =~ ^r[12]$ ]] || die "no router \"$1\" (r1 or r2)"; }
# a router's shell: its own /run (ip netns exec gives each command a mount namespace of its own)
# (and /var/lib/dhcp: dhclient's leases); unshare --uts: dhclient-script may call hostname(1)
RX_SH='mount --bind "$1" /run && mount --bind "$2" /var/lib/dhcp && shift 4 && exec "$@"'
SUITE=${PAIR_ROOT:-}
[ -z "$SUITE" ] || [[ $SUITE =~ ^[a-z]+$ ]] || die "PAIR_ROOT must be a Debian suite name"
# (PAIR_ROOT) the router's root: its /run, /var/lib/dhcp, /proc, /sys, /dev and the pair's state
# directory mounted inside `ip netns exec`'s own mount namespace, then chroot
ROOT_SH='r=$4; mount --bind "$1" "$r/run" && mount --bind "$2" "$r/var/lib/dhcp" && mkdir -p "$r$3" && mount --bind "$3" "$r$3" &&
    mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" && mount --rbind /dev "$r/dev" && shift 4 && exec chroot "$r" "$@"'
if [ -n "$SUITE" ]; then RX_SH=$ROOT_SH; fi
root_of() { echo "$ST/$1/root"; }
# where uplink-lb is in the router: make install's prefix, or the package's /usr
if [ -n "$SUITE" ]; then ULB=/usr/sbin/uplink-lb ULB_LIB=/usr/lib/uplink-lb; else ULB=$ST/prefix/sbin/uplink-lb ULB_LIB=$ST/prefix/lib/uplink-lb; fi
# the router's /etc: /etc/netns/PAIR-rN (ip netns exec binds it over the host's), or its root's
etc_of() { if [ -n "$SUITE" ]; then echo "$(root_of "$1")/etc"; else echo "/etc/netns/$P-$1"; fi; }
rx() { local r=$1; shift; router "$r"; ip netns exec "$P-$r" unshare --uts /bin/sh -c "$RX_SH" rx "$ST/$r/run" "$ST/$r/varlibdhcp" "$ST" "$(root_of "$r")" "$@"; }
# the same, with this process becoming CMD (each step execs the next): a daemon started by
# `setsid pair.sh rx ...` keeps the pid recorded for it
rx_exec() { local r=$1; shift; router "$r"; exec ip netns exec "$P-$r" unshare --uts /bin/sh -c "$RX_SH" rx "$ST/$r/run" "$ST/$r/varlibdhcp" "$ST" "$(root_of "$r")" "$@"; }

cmd_up() {
    local i r s
    [ -e "/run/netns/$P-r1" ] && die "$P-r1 exists; run '$0 down' first"
    command -v keepalived >/dev/null && command -v conntrackd >/dev/null || die "missing keepalived or conntrackd: run scripts/debian-deps.sh"
    if [ -z "$SOURCE_BIN" ]; then
        mkdir -p "$BUILD"
        (cd "$ROOT" && flock test/.state/deb.lock make -s BUILDDIR="$BUILD" "$BUILD/uplink-lb" >/dev/null) || die "make failed"
        SOURCE_BIN=$BUILD/uplink-lb
    fi
    rm -rf "$ST"; mkdir -p "$ST"/{r1/run/metrics,r2/run/metrics,r1/varlibdhcp,r2/varlibdhcp,inet,isp3,prefix}
    cp "$SOURCE_BIN" "$BIN"
    [ -z "$SUITE" ] || routers_root
    for ns in lan r1 r2 inet; do ip netns add "$P-$ns"; ip -n "$P-$ns" link set lo up; done
    # the LAN: a bridge in the client's namespace, the client's address on it
    ip -n "$P-lan" link add br0 type bridge; ip -n "$P-lan" link set br0 up
    for r in r1 r2; do
        ip -n "$P-$r" link add lan0 type veth peer name "$r" netns "$P-lan"
        ip -n "$P-lan" link set "$r" master br0 up
        ip -n "$P-$r" addr add "$LAN_NET.$(host "$r")/24" dev lan0
        ip -n "$P-$r" addr add "$LAN6:$(host "$r")/64" dev lan0 nodad
    done
    ip -n "$P-lan" addr add "$LAN_NET.100/24" dev br0
    ip -n "$P-lan" route add default via "$VIP_LAN"
    # the client's IPv6 address and router come from the active router's advertisements (SLAAC)
    x lan sysctl -qw net.ipv6.conf.br0.accept_ra=2 net.ipv6.conf.br0.accept_dad=0
    # each ISP: a bridge down0 with its gateway, a port to each router, up0 towards the internet
    for i in $(seq $ALL); do
        s=$(subnet "$i")
        ip netns add "$P-isp$i"; ip -n "$P-isp$i" link set lo up
        ip -n "$P-isp$i" link add down0 type bridge; ip -n "$P-isp$i" link set down0 up
        ip -n "$P-isp$i" addr add "$s.1/24" dev down0
        for r in r1 r2; do
            ip -n "$P-$r" link add "eth$i" type veth peer name "$r" netns "$P-isp$i"
            ip -n "$P-isp$i" link set "$r" master down0 up
            [ "$i" -gt $ISPS ] || ip -n "$P-$r" addr add "$s.$(host "$r")/24" dev "eth$i"
            [ "$i" -gt $ISPS ] || ip -n "$P-$r" addr add "$(subnet6 "$i"):$(host "$r")/64" dev "eth$i" nodad
        done
        ip -n "$P-inet" link add "isp$i" type veth peer name up0 netns "$P-isp$i"
        ip -n "$P-isp$i" addr add "198.18.$i.1/30" dev up0; ip -n "$P-isp$i" link set up0 up
        ip -n "$P-isp$i" route add default via "198.18.$i.2"
        ip -n "$P-inet" addr add "198.18.$i.2/30" dev "isp$i"; ip -n "$P-inet" link set "isp$i" up
        ip -n "$P-inet" route add "$s.0/24" via "198.18.$i.1"
        x "isp$i" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
        if [ "$i" -le $ISPS ]; then
            ip -n "$P-isp$i" addr add "$(subnet6 "$i"):1/64" dev down0 nodad
            ip -n "$P-isp$i" addr add "2001:db8:f$i::1/64" dev up0 nodad
            ip -n "$P-isp$i" -6 route add default via "2001:db8:f$i::2"
            ip -n "$P-inet" addr add "2001:db8:f$i::2/64" dev "isp$i" nodad
            ip -n "$P-inet" -6 route add "$(subnet6 "$i"):/64" via "2001:db8:f$i::1"
        fi
        # BCP38: the ISP forwards only its own network's sources; the pair's table `probes`
        # drops a router's own addresses too when a test says so (pair.sh probes)
        x "isp$i" nft -f - <<NFT
table inet rig_bcp38 {
  set probes_off { type ipv4_addr; }
  set probes_off6 { type ipv6_addr; }
  chain fwdchk { type filter hook forward priority 0; policy accept;
    iifname "down0" ip saddr != $s.0/24 counter drop
    iifname "down0" ip saddr @probes_off counter drop
    iifname "down0" ip6 saddr != $(subnet6 "$i"):/64 counter drop
    iifname "down0" ip6 saddr @probes_off6 counter drop
  }
}
NFT
    done
    # isp3's DHCP server: one lease for whichever router asks (the active one)
    x isp3 dnsmasq --conf-file=/dev/null --port=0 --interface=down0 --bind-interfaces \
        --dhcp-authoritative --dhcp-range="$(subnet 3).100,$(subnet 3).199,255.255.255.0,10m" \
        --dhcp-option=option:router,"$(subnet 3).1" --dhcp-option=option:dns-server,"$(subnet 3).1" \
        --dhcp-leasefile="$ST/isp3/dnsmasq.leases" --pid-file="$ST/isp3/dnsmasq.pid" \
        --log-dhcp --log-facility="$ST/isp3/dnsmasq.log" --no-ping
    ip -n "$P-r1" link add sync0 type veth peer name sync0 netns "$P-r2"
    ip -n "$P-r1" addr add 198.18.0.1/30 dev sync0; ip -n "$P-r2" addr add 198.18.0.2/30 dev sync0
    for r in r1 r2; do
        for d in lo lan0 sync0 $(seq -f 'eth%g' $ISPS); do ip -n "$P-$r" link set "$d" up; done
        router_etc "$r"
        x "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1 net.ipv6.conf.all.forwarding=1 net.ipv6.fib_multipath_hash_policy=1
        # its IPv6 addresses stay when `freeze` sets its links down, as its IPv4 ones do (the
        # kernel's default flushes them: the router would come back without its own IPv6)
        for d in lan0 $(seq -f 'eth%g' $ALL); do x "$r" sysctl -qw "net.ipv6.conf.$d.keep_addr_on_down=1"; done
        site_firewall "$r" | x "$r" nft -f -
        # a connection that lives through a failover is known to the new router (conntrackd),
        # never picked up mid-stream (the firewall's ct rules have loaded conntrack)
        x "$r" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
    done
    ip -n "$P-inet" addr add "$SRV/32" dev lo
    ip -n "$P-inet" addr add 192.0.2.20/32 dev lo
    ip -n "$P-inet" addr add 192.0.2.21/32 dev lo
    for a in "$SRV6" 2001:db8:ff::20 2001:db8:ff::21; do ip -n "$P-inet" addr add "$a/128" dev lo nodad; done
    x inet sysctl -qw net.ipv6.conf.all.forwarding=1
    setsid ip netns exec "$P-inet" "$PY" "$HERE/server.py" "$SRV" "$PORT_BASE" "$PORT_COUNT" "$ST/inet/server.pid" \
        </dev/null >"$ST/inet/server.out" 2>&1 &
    setsid ip netns exec "$P-inet" "$PY" "$HERE/server.py" "$SRV6" "$PORT_BASE" "$PORT_COUNT" "$ST/inet/server6.pid" \
        </dev/null >"$ST/inet/server6.out" 2>&1 &
    for f in server server6; do
        for _ in $(seq 50); do [ -s "$ST/inet/$f.pid" ] && break; sleep 0.1; done
        [ -s "$ST/inet/$f.pid" ] || die "$f did not start: $(cat "$ST/inet/$f.out")"
    done
    echo "pair up"
}

# A router's /etc/network and /etc/dhcp (ip netns exec binds /etc/netns/PAIR-rN/* over /etc):
# ifupdown knows eth3 only (no auto line: uplink-lb brings it up on the active router), and
# uplink-lb's hooks are installed there.
# (PAIR_ROOT) the routers' roots: r1's made from the cached SUITE root and given Debian's
# packages and uplink-lb's .deb by apt (in the host's network namespace: it reaches the mirror),
# r2's a copy of it; each root's /etc is that router's. netbase: a minimal root has no
# /etc/protocols, and conntrackd then synchronises nothing (uplink-lb's status says so).
routers_root() {
    local deb r1=$ST/r1/root
    mkdir -p "$ROOT/test/.state/deb"
    deb=$(cd "$ROOT" && flock test/.state/deb.lock make -s deb BUILDDIR=test/.state/deb | tail -n 1) || die "make deb failed"
    case $deb in /*) ;; *) deb=$ROOT/$deb ;; esac
    "$HERE/debian-root.sh" "$SUITE" "$r1" || die "no $SUITE root"
    cp "$deb" "$r1/tmp/uplink-lb.deb"
    "$HERE/root-run.sh" "$r1" apt-get install -y -q --no-install-recommends keepalived conntrackd conntrack radvd nftables \
        isc-dhcp-client ifupdown iproute2 netbase /tmp/uplink-lb.deb > "$ST/r1/apt.log" 2>&1 || die "apt in the $SUITE root failed: $(tail -n 20 "$ST/r1/apt.log")"
    rm -f "$r1/tmp/uplink-lb.deb"
    printf '# uplink-lb pair
auto lo
iface lo inet loopback

iface eth3 inet dhcp
' > "$r1/etc/network/interfaces"
    printf '\n# uplink-lb pair\ntimeout 5;\n' >> "$r1/etc/dhcp/dhclient.conf"
    rm -f "$r1/etc/resolv.conf"; echo "# uplink-lb pair resolv.conf (dhclient-script writes here)" > "$r1/etc/resolv.conf"
    cp -a "$r1" "$ST/r2/root"
}

router_etc() {
    local r=$1 etc=/etc/netns/$P-$1
    [ -z "$SUITE" ] || return 0
    rm -rf "$etc"; mkdir -p "$etc"/network/{if-pre-up.d,if-up.d,if-down.d,if-post-down.d,interfaces.d} "$etc/default"
    printf '# uplink-lb pair: %s\nauto lo\niface lo inet loopback\n\niface eth3 inet dhcp\n' "$r" > "$etc/network/interfaces"
    cp -a /etc/dhcp "$etc/dhcp"
    printf '\n# uplink-lb pair\ntimeout 5;\n' >> "$etc/dhcp/dhclient.conf"
    rm -f "$etc/dhcp/dhclient-exit-hooks.d/timesyncd"
    cp -a /etc/iproute2 "$etc/iproute2"
    mkdir -p "$etc/iproute2/rt_tables.d" "$etc/iproute2/rt_protos.d"
    echo "# uplink-lb pair resolv.conf (dhclient-script writes here)" > "$etc/resolv.conf"
    PREFIX="$ST/prefix" SYSCONFDIR="$etc" DHCPCD_HOOKDIR="$ST/prefix/lib/dhcpcd/dhcpcd-hooks" PPP_HOOKDIR="$ST/prefix/etc/ppp" \
        "$ROOT/scripts/install.sh" install "$BIN" >/dev/null
}

# The site's own firewall, as the owner of a pair writes it: VRRP and the sync link let in,
# nothing new from the ISPs (a reply for a connection this router does not know is dropped
# quietly, not reset), LAN connections translated to the pair's shared address of their ISP.
site_firewall() {
    local i
    echo 'table ip site {'
    echo '  chain input { type filter hook input priority filter; policy drop;'
    echo '    iif "lo" accept'
    echo '    ct state established,related accept'
    echo '    ip protocol vrrp accept'
    echo '    iifname { "sync0", "lan0" } accept'
    echo '    icmp type echo-request accept'
    echo '  }'
    echo '  chain postrouting { type nat hook postrouting priority srcnat; policy accept;'
    for i in $(seq $ISPS); do echo "    oifname \"eth$i\" ip saddr $LAN_NET.0/24 snat to $(subnet "$i").10"; done
    echo "    oifname \"eth3\" ip saddr $LAN_NET.0/24 masquerade"
    echo '  }'
    echo '}'
    echo 'table ip6 site {'
    echo '  chain input { type filter hook input priority filter; policy drop;'
    echo '    iif "lo" accept'
    echo '    ct state established,related accept'
    echo '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert, echo-request } accept'
    echo '    iifname { "sync0", "lan0" } accept'
    echo '  }'
    echo '  chain postrouting { type nat hook postrouting priority srcnat; policy accept;'
    for i in $(seq $ISPS); do echo "    oifname \"eth$i\" ip6 saddr $LAN6:/64 snat ip6 to $(subnet6 "$i"):10"; done
    echo '  }'
    echo '}'
}

uplink_lb_conf() {  # ROUTER
    local r=$1 h i ips='' nms='' gws='' gw6s='' tables=''
    h=$(host "$r")
    for i in $(seq $ISPS); do ips+=" $(subnet "$i").$h"; nms+=" 24"; gws+=" $(subnet "$i").1"; gw6s+=" $(subnet6 "$i"):1"; tables+=" $((200 + i))"; done
    cat <<EOF
# uplink-lb on $r of the pair $P
IFACE_DEVICE=( $(seq -s ' ' -f 'eth%g' $ALL) )
IFACE_IPS=($ips auto )
IFACE_NMS=($nms auto )
IFACE_GWS=($gws auto )
IFACE_TABLES=($tables 203 )
IFACE_GW6S=($gw6s none )
IFACE_HA=( $(for i in $(seq $ISPS); do printf 'shared '; done)active-only )
CHECK_TARGETS=( 192.0.2.20 192.0.2.21 2001:db8:ff::20 2001:db8:ff::21 )
IPV6_MODE=translated
IPV6_LAN_PREFIX=$LAN6:/64
CONNECTION_PINNING=yes
RESOLV_CONF=no
HA_VRRP=uplink_lb
HA_CONNTRACKD_CONF=$ST/$r/conntrackd.conf
METRICS_DIR=/run/metrics
${PAIR_EXTRA:-}
EOF
}

conntrackd_conf() {  # ROUTER
    local r=$1 me peer i
    if [ "$r" = r1 ]; then me=198.18.0.1 peer=198.18.0.2; else me=198.18.0.2 peer=198.18.0.1; fi
    cat <<EOF
Sync {
	Mode FTFW {
		DisableExternalCache on
		StartupResync on
		PurgeTimeout 60
	}
	UDP {
		IPv4_address $me
		IPv4_Destination_Address $peer
		Port 3780
		Interface sync0
		SndSocketBuffer 1249280
		RcvSocketBuffer 1249280
		Checksum on
	}
}
General {
	Systemd off
	HashSize 32768
	HashLimit 131072
	LogFile $ST/$r/conntrackd.log
	Syslog off
	LockFile $ST/$r/conntrackd.lock
	UNIX {
		Path $ST/$r/conntrackd.ctl
	}
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
	Filter From Userspace {
		Protocol Accept {
			TCP
			UDP
			ICMP
			IPv6-ICMP
		}
		Address Ignore {
			IPv4_address 127.0.0.1
			IPv4_address $LAN_NET.1
			IPv4_address $LAN_NET.2
			IPv4_address $LAN_NET.3
$(for i in $(seq $ISPS); do printf '\t\t\tIPv4_address %s.2\n\t\t\tIPv4_address %s.3\n\t\t\tIPv4_address %s.10\n' "$(subnet "$i")" "$(subnet "$i")" "$(subnet "$i")"; done)
			IPv4_address 198.18.0.0/30
			IPv6_address ::1
			IPv6_address $LAN6:1
			IPv6_address $LAN6:2
			IPv6_address $LAN6:3
$(for i in $(seq $ISPS); do printf '\t\t\tIPv6_address %s:2\n\t\t\tIPv6_address %s:3\n\t\t\tIPv6_address %s:10\n' "$(subnet6 "$i")" "$(subnet6 "$i")" "$(subnet6 "$i")"; done)
		}
	}
}
EOF
}

keepalived_conf() {  # ROUTER
    local r=$1 i
    cat <<EOF
global_defs {
	router_id $P-$r
	vrrp_version 3
	script_user root
	enable_script_security
	vrrp_garp_master_repeat 3
	vrrp_garp_master_refresh 0
	vrrp_notify_fifo $ST/$r/notify.fifo
	vrrp_notify_fifo_script "$ULB_LIB/ha-notify uplink_lb"
}
# the weight of this router's working shared uplinks, written by uplink-lb's check
track_file uplinks {
	file /run/uplink-lb/vrrp-track
}
# the instances' tracked weights count in a sync group only with sync_group_tracking_weight
# (keepalived 2.2.7 otherwise forces weight 0: any number but 0 in the file is a fault)
vrrp_sync_group uplink_lb {
	group {
		LAN
$(for i in $(seq $ISPS); do printf '\t\tWAN%d\n' "$i"; done)
	}
	sync_group_tracking_weight
}
EOF
    # IPv6 in the same instances (excluded from the adverts, which carry one family): the LAN's
    # gateway fe80::1, which radvd announces from, and the pair's address on each ISP, deprecated
    # so that neither the router's own connections nor uplink-lb's look at the IPv6 side take it
    instance LAN lan0 51 "$VIP_LAN/24" "$VIP_LL/64 dev lan0 scope link" "$VIP_LAN6/64 dev lan0"
    for i in $(seq $ISPS); do instance "WAN$i" "eth$i" $((51 + i)) "$(subnet "$i").10/24" "$(subnet6 "$i"):10/64 dev eth$i preferred_lft 0"; done
}

instance() {  # NAME DEVICE VRID ADDRESS [IPV6...]: the same priority on both routers, the uplinks' weight decides
    local name=$1 dev=$2 vrid=$3 address=$4
    shift 4
    cat <<EOF
vrrp_instance $name {
	state BACKUP
	interface $dev
	virtual_router_id $vrid
	priority 100
	advert_int 0.1
	virtual_ipaddress {
		$address dev $dev
	}
	virtual_ipaddress_excluded {
$(for a in "$@"; do printf '\t\t%s\n' "$a"; done)
	}
	track_file {
		uplinks weight 1
	}
}
EOF
}

# radvd on both routers, announcing the LAN's prefix from the gateway fe80::1 only: radvd sends
# from the first of the AdvRASrcAddress addresses the interface has, so the backup, without it,
# is silent, and the LAN's default router is the pair's (keepalived's unsolicited neighbour
# advertisements move it).
radvd_conf() {
    cat <<EOF
interface lan0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 10;
	prefix $LAN6:/64 {
		AdvOnLink on;
		AdvAutonomous on;
	};
	AdvRASrcAddress {
		$VIP_LL;
	};
};
EOF
}

cmd_start() {
    local r
    [ -e "/run/netns/$P-r1" ] || die "the pair is not up"
    for r in r1 r2; do
        uplink_lb_conf "$r" > "$ST/$r/uplink-lb.conf"
        install -m 600 "$ST/$r/uplink-lb.conf" "$(etc_of "$r")/default/uplink-lb"
        conntrackd_conf "$r" > "$ST/$r/conntrackd.conf"
        keepalived_conf "$r" > "$ST/$r/keepalived.conf"
        radvd_conf > "$ST/$r/radvd.conf"
        rx "$r" "$ULB" apply 2>"$ST/$r/apply.err" || die "$r: apply failed: $(cat "$ST/$r/apply.err")"
        setsid "$0" rx "$r" "$ULB" check </dev/null >"$ST/$r/check.out" 2>&1 &
        echo $! > "$ST/$r/check.pid"
    done
    # keepalived reads the weight once the check has judged (a router without it offers 0)
    for r in r1 r2; do
        for _ in $(seq 100); do [ -s "$ST/$r/run/uplink-lb/vrrp-track" ] && break; sleep 0.1; done
        [ -s "$ST/$r/run/uplink-lb/vrrp-track" ] || die "$r: the check wrote no weight: $(cat "$ST/$r/check.out")"
    done
    for r in r1 r2; do
        rm -f "$ST/$r/conntrackd.lock" "$ST/$r/conntrackd.ctl"
        setsid "$0" rx "$r" conntrackd -C "$ST/$r/conntrackd.conf" </dev/null >"$ST/$r/conntrackd.out" 2>&1 &
        echo $! > "$ST/$r/conntrackd.pid"
    done
    for r in r1 r2; do
        for _ in $(seq 50); do [ -S "$ST/$r/conntrackd.ctl" ] && break; sleep 0.1; done
        [ -S "$ST/$r/conntrackd.ctl" ] || die "$r: conntrackd did not start: $(cat "$ST/$r/conntrackd.out" "$ST/$r/conntrackd.log" 2>/dev/null)"
    done
    for r in r1 r2; do
        rx "$r" radvd -C "$ST/$r/radvd.conf" -p "$ST/$r/radvd.pid" -m logfile -l "$ST/$r/radvd.log" >"$ST/$r/radvd.out" 2>&1 \
            || die "$r: radvd did not start: $(cat "$ST/$r/radvd.out" "$ST/$r/radvd.log" 2>/dev/null)"
    done
    for r in r1 r2; do
        setsid "$0" rx "$r" keepalived -n -l -D -f "$ST/$r/keepalived.conf" -p "$ST/$r/keepalived.pid" -r "$ST/$r/keepalived_vrrp.pid" \
            -c "$ST/$r/keepalived_check.pid" -b "$ST/$r/keepalived_bfd.pid" </dev/null >"$ST/$r/keepalived.out" 2>&1 &
        # with equal priorities the first one up stays master: r1 first
        for _ in $(seq 50); do [ "$r" = r2 ] || [ "$(cmd_master)" = r1 ] && break; sleep 0.1; done
    done
    # (the master's role is recorded after its steps: eth3's DHCP lease among them)
    for _ in $(seq 150); do [ "$(cmd_role r2)" = BACKUP ] && [ "$(cmd_role r1)" = MASTER ] && break; sleep 0.1; done
    [ "$(cmd_role r1)/$(cmd_role r2)" = MASTER/BACKUP ] || die "the pair did not settle: r1 $(cmd_role r1), r2 $(cmd_role r2); $(cat "$ST/r1/keepalived.out" "$ST/r2/keepalived.out")"
    echo "pair started: r1 master"
}

cmd_role() {
    local r=$1
    router "$r"
    sed -n 's/.*"role":"\([A-Z]*\)".*/\1/p' "$ST/$r/run/uplink-lb/ha.json" 2>/dev/null || true
}

cmd_master() {
    local has=()
    for r in r1 r2; do ip -n "$P-$r" -4 addr show dev lan0 | grep -q " $VIP_LAN/" && has+=("$r"); done
    case ${#has[@]} in 0) echo none ;; 1) echo "${has[0]}" ;; *) echo both ;; esac
}

pids_of() {  # ROUTER: keepalived (both), conntrackd, radvd and the check, as recorded
    local r=$1 f
    for f in keepalived.pid keepalived_vrrp.pid conntrackd.pid radvd.pid; do [ -s "$ST/$r/$f" ] && cat "$ST/$r/$f"; done
    sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$ST/$r/run/uplink-lb/check.json" 2>/dev/null || true
}

links_of() { echo lan0 sync0 $(seq -f 'eth%g' $ALL); }

cmd_freeze() {
    local r=$1 d
    router "$r"
    # shellcheck disable=SC2046
    kill -STOP $(pids_of "$r")
    for d in $(links_of); do ip -n "$P-$r" link set "$d" down; done
}

cmd_thaw() {
    local r=$1 d
    router "$r"
    for d in $(links_of); do ip -n "$P-$r" link set "$d" up; done
    # shellcheck disable=SC2046
    kill -CONT $(pids_of "$r")
}

cmd_probes() {  # ROUTER on|off [ispN]
    local r=$1 on=$2 only=${3:-} i verb
    router "$r"
    case $on in on) verb=delete ;; off) verb=add ;; *) die "probes: on or off" ;; esac
    for i in $(seq $ISPS); do
        [ -z "$only" ] || [ "$only" = "isp$i" ] || continue
        x "isp$i" nft "$verb" element inet rig_bcp38 probes_off "{ $(subnet "$i").$(host "$r") }"
        x "isp$i" nft "$verb" element inet rig_bcp38 probes_off6 "{ $(subnet6 "$i"):$(host "$r") }"
    done
}

prefixes() { local i; for i in $(seq $ALL); do printf 'isp%d=%s. ' "$i" "$(subnet "$i")"; done; }
prefixes6() { local i; for i in $(seq $ISPS); do printf 'isp%d=%s: ' "$i" "$(subnet6 "$i")"; done; }

killpid() { "$HERE/killpid.sh" "$@"; }  # PIDFILE COMM: a process it started, by its recorded pid

cmd_down() {
    local r n p
    for r in r1 r2; do
        [ -d "$ST/$r" ] || continue
        for p in $(pids_of "$r"); do kill -CONT "$p" 2>/dev/null || true; done
        killpid "$ST/$r/keepalived.pid" keepalived
        killpid "$ST/$r/conntrackd.pid" conntrackd
        killpid "$ST/$r/radvd.pid" radvd
    done
    killpid "$ST/inet/server.pid" python3
    killpid "$ST/inet/server6.pid" python3
    killpid "$ST/isp3/dnsmasq.pid" dnsmasq
    for r in r1 r2; do for f in "$ST/$r"/run/dhclient*.pid; do [ -e "$f" ] && killpid "$f" dhclient; done; done
    # whatever else lives in the pair's namespaces was started by it or a test
    for n in $(ip netns list | awk '{print $1}' | grep -E "^$P-(lan|r1|r2|isp[0-9]+|inet)\$" || true); do
        for p in $(ip netns pids "$n" 2>/dev/null); do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
    done
    sleep 0.3
    for n in $(ip netns list | awk '{print $1}' | grep -E "^$P-(lan|r1|r2|isp[0-9]+|inet)\$" || true); do ip netns del "$n"; done
    rm -rf "$ST" "/etc/netns/$P-r1" "/etc/netns/$P-r2"
    rmdir /etc/netns 2>/dev/null || true
    echo "pair down"
}

cmd=${1:-}; shift || true
case $cmd in
up) cmd_up ;;
start) cmd_start ;;
down) cmd_down ;;
rx) rx_exec "$@" ;;
x) x "$@" ;;
freeze) cmd_freeze "$1" ;;
thaw) cmd_thaw "$1" ;;
probes) cmd_probes "$@" ;;
role) cmd_role "$1" ;;
ulb) r=$1; shift; rx_exec "$r" "$ULB" "$@" ;;
master) cmd_master ;;
# shellcheck disable=SC2046
hold) x lan "$PY" "$HERE/hold.py" "$SRV" "$PORT_BASE" "$1" "$2" 0.1 $(prefixes) ;;
# shellcheck disable=SC2046
stream) x lan "$PY" "$HERE/stream.py" "$SRV" "$PORT_BASE" "$PORT_COUNT" "$1" "$2" "${3:-1}" $(prefixes) ;;
# shellcheck disable=SC2046
hold6) x lan "$PY" "$HERE/hold.py" "$SRV6" "$PORT_BASE" "$1" "$2" 0.1 $(prefixes6) ;;
# shellcheck disable=SC2046
stream6) x lan "$PY" "$HERE/stream.py" "$SRV6" "$PORT_BASE" "$PORT_COUNT" "$1" "$2" "${3:-1}" $(prefixes6) ;;
ra) x lan ip -6 route show default dev br0 ;;
*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
