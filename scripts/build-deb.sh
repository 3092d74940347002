#!/bin/bash
# build-deb.sh EXECUTABLE OUTDIR — uplink-lb_VERSION_ARCH.deb from what `make` built, offline,
# with dpkg-deb. The layout is install.sh's with PREFIX=/usr (one description of what goes
# where); every file under /etc is a conffile. Prints the package's path.
set -euo pipefail
exe=${1:?usage: build-deb.sh EXECUTABLE OUTDIR}
out=${2:?usage: build-deb.sh EXECUTABLE OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/package.json")
case "$(readelf -h "$exe" | sed -n 's/^ *Machine: *//p')" in
*X86-64*) arch=amd64 ;;
*AArch64*) arch=arm64 ;;
*) echo "build-deb: $exe: not an x86-64 or arm64 executable" >&2; exit 1 ;;
esac
stage=$out/deb-stage
rm -rf "$stage"; mkdir -p "$stage/DEBIAN"
DESTDIR=$stage PREFIX=/usr SYSCONFDIR=/etc RUNDIR=/run/uplink-lb DHCPCD_HOOKDIR=/usr/lib/dhcpcd/dhcpcd-hooks \
    "$root/scripts/install.sh" install "$exe" >/dev/null
# the event hooks' directory (make install leaves it to the administrator: mkdir when needed)
install -d -m 755 "$stage/etc/uplink-lb/events.d"
# the cron name as a relative symbolic link (dpkg keeps hard links, lintian prefers this)
ln -sfn ../../sbin/uplink-lb "$stage/usr/lib/uplink-lb/cron-check"
doc=$stage/usr/share/doc/uplink-lb
install -d "$doc"
install -m 644 "$root/packaging/deb/copyright" "$doc/copyright"
printf 'uplink-lb (%s) unstable; urgency=medium\n\n  * Built from the uplink-lb source tree.\n\n -- uplink-lb developers <maintainers@uplink-lb.net>  %s\n' \
    "$version" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}")" | gzip -9n > "$doc/changelog.gz"
install -D -m 644 "$root/packaging/deb/lintian-overrides" "$stage/usr/share/lintian/overrides/uplink-lb"
find "$stage" -path "$stage/DEBIAN" -prune -o -type d -print0 | xargs -0 chmod 755
(cd "$stage" && find etc -type f | sed 's|^|/|' | sort) > "$stage/DEBIAN/conffiles"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed "s/@VERSION@/$version/; s/@ARCH@/$arch/; s/@SIZE@/$size/" "$root/packaging/deb/control.in" > "$stage/DEBIAN/control"
install -m 755 "$root/packaging/deb/postinst" "$root/packaging/deb/prerm" "$root/packaging/deb/postrm" "$stage/DEBIAN/"
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"
deb=$out/uplink-lb_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$deb" >/dev/null
rm -rf "$stage"
echo "$deb"
