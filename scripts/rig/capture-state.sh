# capture NAME [nexthops] — sourced by the fixture capture scripts (with RIG set): writes the
# router's `ip -j -N` links/addresses, rules and routes of every table, and the lease records
# uplink-lb wrote, into test/fixtures/NAME; with `nexthops`, its nexthop objects too (a fixture
# without nexthops.json is a kernel without them).
capture() {
    local d=test/fixtures/$1
    rm -rf "$d"; mkdir -p "$d"
    $RIG rx ip -j -N addr show > "$d/links.json"
    cp "$d/links.json" "$d/addresses.json"
    $RIG rx ip -j -N -4 rule show > "$d/rules.json"
    $RIG rx ip -j -N -4 route show table all > "$d/routes.json"
    [ "${2:-}" != nexthops ] || $RIG rx ip -j -N nexthop show > "$d/nexthops.json"
    $RIG rx sh -c 'cp /run/uplink-lb/lease.* "$0" 2>/dev/null || true' "$PWD/$d"
    echo "captured $d"
}
