#!/bin/bash
# Installs the Debian packages the end-to-end tests and the demo need, when missing.
set -euo pipefail
need=()
for pair in ifup:ifupdown dhclient:isc-dhcp-client dnsmasq:dnsmasq nft:nftables ping:iputils-ping \
            cron:cron debootstrap:debootstrap lintian:lintian readelf:binutils ip:iproute2 flock:util-linux logger:bsdutils python3:python3 conntrack:conntrack \
            man:man-db groff:groff-base curl:curl qemu-aarch64:qemu-user strace:strace \
            qemu-system-x86_64:qemu-system-x86 mke2fs:e2fsprogs faketime:faketime \
            radvd:radvd kea-dhcp6:kea-dhcp6-server keepalived:keepalived conntrackd:conntrackd; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || [ -x "/sbin/${pair%%:*}" ] || need+=("${pair#*:}")
done
# files, not commands: bash-completion's loader (the completion test sources it)
[ -e /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
# journald for the structured-log test (run in the router's mount namespace, never as a service)
[ -x /lib/systemd/systemd-journald ] || need+=(systemd)
[ ${#need[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "debian-deps: need root to install: ${need[*]}" >&2; exit 1; }
echo "debian-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# servers the rig runs in its namespaces (radvd, kea, dnsmasq) must not start on the host: a
# policy-rc.d that refuses every start, for this install only, unless the machine has its own
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# uplink-lb debian-deps.sh: no service starts while it installs\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d; guard=1
fi
status=0
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || status=$?
[ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
exit $status
