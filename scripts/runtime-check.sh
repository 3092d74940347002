#!/bin/bash
# runtime-check.sh EXECUTABLE [ROOT] — does the built executable start where it is installed?
# Without ROOT (or ROOT=/): runs it. With ROOT, a Debian system root (DESTDIR): looks for every
# shared library it needs (readelf) and every program it runs inside ROOT. Refuses (exit 1) with
# the missing library or program named and the apt-get line that fixes it; a ROOT that is not a
# system root (a packaging stage) is not checked. Run by `make install`.
set -euo pipefail
exe=${1:?usage: runtime-check.sh EXECUTABLE [ROOT]}
root=${2:-}
[ "$root" = / ] && root=

package_of_library() {
    case "$1" in
    libatomic.so.*) echo libatomic1 ;;
    libstdc++.so.*) echo libstdc++6 ;;
    libgcc_s.so.*) echo libgcc-s1 ;;
    *) echo libc6 ;;
    esac
}
# program:package — what uplink-lb runs (src/paths.ts), by absolute path
required="/usr/sbin/ip:iproute2 /usr/bin/flock:util-linux /usr/bin/logger:bsdutils"
recommended="/usr/bin/ping:iputils-ping /usr/sbin/nft:nftables /usr/sbin/conntrack:conntrack"

missing_libraries() {  # on ROOT, from the ELF's NEEDED entries
    local lib dir found
    command -v readelf >/dev/null || { echo "runtime-check: readelf (binutils) is missing: cannot check the libraries in $root" >&2; return 0; }
    for lib in $(readelf -d "$exe" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        found=
        for dir in lib usr/lib lib64 usr/lib64 lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
            [ -e "$root/$dir/$lib" ] && { found=1; break; }
        done
        [ -n "$found" ] || echo "$lib"
    done
}

problems=() packages=()
if [ -z "$root" ]; then
    if ! out=$("$exe" --version 2>&1); then
        lib=$(sed -n 's/.*error while loading shared libraries: \([^:]*\):.*/\1/p' <<< "$out" | head -n1)
        if [ -n "$lib" ]; then
            problems+=("the shared library $lib is missing"); packages+=("$(package_of_library "$lib")")
        else
            echo "install: $exe does not start here: $out" >&2; exit 1
        fi
    fi
else
    if [ ! -e "$root/etc/debian_version" ]; then
        echo "install: $root is not a system root: not checking that the executable runs there"
        exit 0
    fi
    for lib in $(missing_libraries); do
        problems+=("the shared library $lib is missing"); packages+=("$(package_of_library "$lib")")
    done
fi
for pair in $required; do
    [ -x "$root${pair%%:*}" ] || { problems+=("${pair%%:*} is missing"); packages+=("${pair#*:}"); }
done
if [ ${#problems[@]} -gt 0 ]; then
    {
        echo "install: uplink-lb cannot run on ${root:-this machine}: ${problems[*]/%/;}"
        echo "install: nothing installed. Fix: apt-get install ${packages[*]}"
    } | sed 's/;$//' >&2
    exit 1
fi
for pair in $recommended; do
    [ -x "$root${pair%%:*}" ] || echo "install: note: ${pair%%:*} is missing (apt-get install ${pair#*:}): $(case ${pair#*:} in iputils-ping) echo 'no ICMP health check';; nftables) echo 'no connection pinning';; *) echo 'connections of a drained uplink wait for their timeout';; esac)"
done
exit 0
