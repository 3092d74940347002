# capture NAME [nexthops] [ipv6] — sourced by the fixture capture scripts (with RIG set):
# writes the router's `ip -j -N` links/addresses, rules and routes of every table, and the lease
# and delegated-prefix records uplink-lb wrote, into test/fixtures/NAME; with `nexthops`, its
# nexthop objects too (a fixture without nexthops.json is a kernel without them); with `ipv6`,
# its IPv6 rules and routes (rules6.json, routes6.json; without them, a kernel without IPv6).
capture() {
    local d=test/fixtures/$1
    rm -rf "$d"; mkdir -p "$d"
    $RIG rx ip -j -N addr show > "$d/links.json"
    cp "$d/links.json" "$d/addresses.json"
    $RIG rx ip -j -N -4 rule show > "$d/rules.json"
    $RIG rx ip -j -N -4 route show table all > "$d/routes.json"
    case " ${*:2} " in *" nexthops "*) $RIG rx ip -j -N nexthop show > "$d/nexthops.json" ;; esac
    case " ${*:2} " in *" ipv6 "*)
        $RIG rx ip -j -N -6 rule show > "$d/rules6.json"
        $RIG rx ip -j -N -6 route show table all > "$d/routes6.json" ;;
    esac
    $RIG rx sh -c 'cp /run/uplink-lb/lease.* /run/uplink-lb/prefix6.* "$0" 2>/dev/null || true' "$PWD/$d"
    echo "captured $d"
}
