// IPv6 native mode planned on states captured on the dual-stack rig (scripts/rig/
// capture-ipv6-fixtures.sh): two ISPs advertising their WAN networks and delegating a /56 each.
import { describe, expect, it } from 'vitest';
import { desired, type DesiredInputs } from '../../../src/plan/desired.js';
import { diff } from '../../../src/plan/diff.js';
import { renderPlan } from '../../../src/plan/render.js';
import type { Observed } from '../../../src/kernel/types.js';
import { healthKey, judgedSides } from '../../../src/plan/health-key.js';
import { probePlans } from '../../../src/health/evaluate.js';
import { configFrom, delegationsAt, leasesAt, observedAt, problemsOf } from '../helpers.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const inputs = (state: string, more: Partial<DesiredInputs> = {}): DesiredInputs => ({ leases: leasesAt(state), delegated: delegationsAt(state), ...more });
const plan = (text: string, observed: Observed, more: Partial<DesiredInputs> = {}, state = 'dual-applied'): string[][] =>
  renderPlan(diff(desired(configFrom(text), observed, inputs(state, more)), observed)).ip.map((s) => [s.family, ...s.lines]);

/** What the captured router holds of uplink-lb's in IPv6, as `ip -6` arguments. */
const OWN_IPV6 = [
  'route replace default table 201 metric 1024 proto 73 via fe80::ff:fe00:101 dev eth1',
  'route replace unreachable default table 201 metric 4000000000 proto 73',
  'route replace default table 202 metric 1024 proto 73 via fe80::ff:fe00:201 dev eth2',
  'route replace unreachable default table 202 metric 4000000000 proto 73',
  'rule add priority 999 lookup 254 suppress_prefixlength 0 protocol 73',
  'rule add priority 1000 fwmark 0x97 lookup 201 protocol 73',
  'rule add priority 1000 fwmark 0x98 lookup 202 protocol 73',
  'rule add priority 1001 from 2001:db8:1::ff:fe00:102/128 lookup 201 protocol 73',
  'rule add priority 1002 from 2001:db8:2::ff:fe00:202/128 lookup 202 protocol 73',
  'rule add priority 1001 from 2001:db8:1:100::/56 lookup 201 protocol 73',
  'rule add priority 1002 from 2001:db8:2:100::/56 lookup 202 protocol 73',
  'route replace default table 254 metric 10 proto 73 nexthop via fe80::ff:fe00:101 dev eth1 weight 2 nexthop via fe80::ff:fe00:201 dev eth2 weight 1',
];

describe('IPv6 native mode', () => {
  it('reads each family on its own: IPv6 rules and routes, unreachable routes without their lo, nexthop objects split by family', () => {
    const observed = observedAt('dual-applied');
    const six = observed.inet6;
    expect(six?.addresses.map((a) => `${a.device} ${a.address}/${a.prefix}`)).toEqual(['eth1 2001:db8:1::ff:fe00:102/64', 'eth2 2001:db8:2::ff:fe00:202/64']);
    expect(six?.rules.find((r) => r.srclen === 56)).toMatchObject({ src: '2001:db8:1:100::', table: 201, protocol: 73 });
    expect(six?.rules.find((r) => r.src === '2001:db8:1::ff:fe00:102')?.srclen).toBe(128);
    expect(six?.routes.find((r) => r.type === 'unreachable')?.dev).toBeUndefined();
    // IPv4's group and member stay IPv4's; IPv6 has none (its routes carry their nexthops)
    expect(observed.nexthops?.map((n) => n.id)).toEqual([7300000, 7300001, 7300002]);
    expect(six?.nexthops).toEqual([]);
  });

  it('plans nothing on the state it made: the captured router is exactly what it plans', () => {
    expect(plan(TWO, observedAt('dual-applied'))).toEqual([]);
  });

  it('plans every IPv6 rule and route in one ip -6 batch from a router that has none of them', () => {
    expect(plan(TWO, observedAt('dual-v4only'), {}, 'dual-v4only')).toEqual([['inet6', ...OWN_IPV6]]);
  });

  it('with IPV6_MODE=off removes exactly its own IPv6 objects (the router advertisements\' routes stay)', () => {
    const lines = plan(`${TWO}IPV6_MODE=off\n`, observedAt('dual-applied'));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.[0]).toBe('inet6');
    expect(lines[0]?.slice(1).sort()).toEqual([
      'route del default table 201 metric 1024',
      'route del default table 202 metric 1024',
      'route del default table 254 metric 10',
      // ip names a route to delete by its key: destination, table and metric
      'route del default table 201 metric 4000000000',
      'route del default table 202 metric 4000000000',
      'rule del priority 1000 fwmark 0x97 lookup 201 protocol 73',
      'rule del priority 1000 fwmark 0x98 lookup 202 protocol 73',
      'rule del priority 1001 from 2001:db8:1:100::/56 lookup 201 protocol 73',
      'rule del priority 1001 from 2001:db8:1::ff:fe00:102/128 lookup 201 protocol 73',
      'rule del priority 1002 from 2001:db8:2:100::/56 lookup 202 protocol 73',
      'rule del priority 1002 from 2001:db8:2::ff:fe00:202/128 lookup 202 protocol 73',
      'rule del priority 999 lookup 254 suppress_prefixlength 0 protocol 73',
    ].sort());
  });

  it('drains an uplink from the IPv6 route with IPv4 (the health check\'s verdict is the uplink\'s) and keeps its table for its connections', () => {
    expect(plan(TWO, observedAt('dual-applied'), { drained: new Set(['eth1']) })).toEqual([
      ['inet', 'nexthop replace id 7300000 group 7300002,1 proto 73'],
      ['inet6', 'route replace default table 254 metric 10 proto 73 via fe80::ff:fe00:201 dev eth2'],
    ]);
  });

  it('with IPv6 targets of its own, the IPv6 side is judged apart: DEVICE/ipv6 drained leaves IPv4 as it is, and the IPv4 verdict no longer drains it', () => {
    const six = `${TWO}CHECK_TARGETS=( 192.0.2.20 2001:db8:ff::20 )\n`;
    const config = configFrom(six);
    expect(config.uplinks[0]).toMatchObject({ targets: ['192.0.2.20'], targets6: ['2001:db8:ff::20'] });
    expect(plan(six, observedAt('dual-applied'), { drained: new Set(['eth1/ipv6']) })).toEqual([['inet6', 'route replace default table 254 metric 10 proto 73 via fe80::ff:fe00:201 dev eth2']]);
    expect(plan(six, observedAt('dual-applied'), { drained: new Set(['eth1']) })).toEqual([['inet', 'nexthop replace id 7300000 group 7300002,1 proto 73']]);
    const want = desired(config, observedAt('dual-applied'), inputs('dual-applied'));
    expect(judgedSides(want.uplinks).map(healthKey)).toEqual(['eth1', 'eth1/ipv6', 'eth2', 'eth2/ipv6']);
    expect(probePlans(judgedSides(want.uplinks)).map((p) => `${p.device} ${p.source} ${p.targets.join(',')}`)).toEqual([
      'eth1 198.18.101.163 192.0.2.20',
      'eth1/ipv6 2001:db8:1::ff:fe00:102 2001:db8:ff::20',
      'eth2 198.18.102.162 192.0.2.20',
      'eth2/ipv6 2001:db8:2::ff:fe00:202 2001:db8:ff::20',
    ]);
    // without IPv6 targets the IPv6 side is not probed: it follows the uplink
    expect(judgedSides(desired(configFrom(TWO), observedAt('dual-applied'), inputs('dual-applied')).uplinks).map(healthKey)).toEqual(['eth1', 'eth2']);
  });

  it('IFACE_GW6S none leaves an uplink out of IPv6; an address names the router without advertisements', () => {
    const none = plan(`${TWO}IFACE_GW6S=( auto none )\n`, observedAt('dual-applied'));
    expect(none).toEqual([
      [
        'inet6',
        'route replace default table 254 metric 10 proto 73 via fe80::ff:fe00:101 dev eth1',
        'rule del priority 1000 fwmark 0x98 lookup 202 protocol 73',
        'rule del priority 1002 from 2001:db8:2::ff:fe00:202/128 lookup 202 protocol 73',
        'rule del priority 1002 from 2001:db8:2:100::/56 lookup 202 protocol 73',
        'route del default table 202 metric 1024',
        'route del default table 202 metric 4000000000',
      ],
    ]);
    const fixed = plan(`${TWO}IFACE_GW6S=( fe80::1 auto )\n`, observedAt('dual-applied'));
    expect(fixed[0]?.slice(1)).toContain('route replace default table 201 metric 1024 proto 73 via fe80::1 dev eth1');
  });

  it('an uplink without a router advertisement is unconfigured for IPv6, and says why', () => {
    const observed = observedAt('dual-applied');
    const six = observed.inet6 as Observed;
    const withoutRa: Observed = { ...observed, inet6: { ...six, routes: six.routes.filter((r) => !(r.protocol === 9 && r.dev === 'eth2')) } };
    const want = desired(configFrom(TWO), withoutRa, inputs('dual-applied'));
    const eth2 = want.uplinks.find((s) => s.uplink.device === 'eth2');
    expect(eth2?.status).toBe('up');
    expect(eth2?.inet6).toMatchObject({ status: 'unconfigured', reason: 'no IPv6 router: no router advertisement on eth2 (a forwarding router needs accept_ra=2 there) and IFACE_GW6S names none' });
    expect(want.target.inet6?.mainDefault?.gateway).toBe('fe80::ff:fe00:101');
  });

  it('a link that is down takes both families out', () => {
    const observed = observedAt('dual-applied');
    const down: Observed = { ...observed, links: observed.links.map((l) => (l.name === 'eth1' ? { ...l, up: false } : l)) };
    down.inet6 = { ...(observed.inet6 as Observed), links: down.links };
    const want = desired(configFrom(TWO), down, inputs('dual-applied'));
    expect(want.uplinks[0]?.inet6).toMatchObject({ status: 'down', reason: 'link is administratively down' });
    expect(want.target.inet6?.rules.some((r) => r.table === 201)).toBe(false);
  });

  it('a delegated prefix that changes at renewal moves its rule', () => {
    const lines = plan(TWO, observedAt('dual-applied'), { delegated: new Map([['eth1', ['2001:db8:1:200::/56']], ['eth2', ['2001:db8:2:100::/56']]]) });
    expect(lines).toEqual([['inet6', 'rule add priority 1001 from 2001:db8:1:200::/56 lookup 201 protocol 73', 'rule del priority 1001 from 2001:db8:1:100::/56 lookup 201 protocol 73']]);
  });
});

describe('IPv6 translated mode', () => {
  const TRANSLATED = `${TWO}IPV6_MODE=translated\nIPV6_LAN_PREFIX=fd00:1::/64\n`;
  const ruleset = (text: string, more: Partial<DesiredInputs> = {}): string => desired(configFrom(text), observedAt('dual-applied'), inputs('dual-applied', { nft: true, ...more })).target.nft?.text ?? '';

  it("translates the LAN's prefix to the first /64 of each uplink's delegated prefix, and back for connections that come in", () => {
    const text = ruleset(TRANSLATED);
    expect(text).toContain('  chain translate6_out {\n    type nat hook postrouting priority srcnat + 1; policy accept;\n    oifname "eth1" ip6 saddr fd00:1::/64 snat ip6 prefix to 2001:db8:1:100::/64\n    oifname "eth2" ip6 saddr fd00:1::/64 snat ip6 prefix to 2001:db8:2:100::/64\n  }');
    expect(text).toContain('  chain translate6_in {\n    type nat hook prerouting priority dstnat + 1; policy accept;\n    iifname "eth1" ip6 daddr 2001:db8:1:100::/64 dnat ip6 prefix to fd00:1::/64\n    iifname "eth2" ip6 daddr 2001:db8:2:100::/64 dnat ip6 prefix to fd00:1::/64\n  }');
    // an uplink with no delegated prefix: masqueraded to its own address
    expect(ruleset(TRANSLATED, { delegated: new Map([['eth1', ['2001:db8:1:100::/56']]]) })).toContain('oifname "eth2" ip6 saddr fd00:1::/64 masquerade');
  });

  it('pins IPv6 connections as IPv4 ones (native mode pins neither family\'s IPv6: the source is the uplink), and refuses no prefix', () => {
    const text = ruleset(TRANSLATED);
    expect(text).toContain('    ct mark { 0x97, 0x98 } meta mark set ct mark comment');
    expect(text).toContain('    meta nfproto ipv6 ct mark 0 ip6 daddr != { fe80::/10, ff00::/8 } oifname "eth1" ct mark set 0x97\n');
    expect(text).not.toContain('refuse_prefixes');
    const native = ruleset(TWO, { drained: new Set(['eth1']) });
    expect(native).toContain('    meta nfproto ipv4 ct mark { 0x97, 0x98 } meta mark set ct mark comment');
    expect(native).not.toContain('nfproto ipv6');
    expect(native).toContain('refuse_prefixes');
  });

  it('steers IPv6 POLICY entries in a chain of their own (the LAN\'s forwarded IPv6), IPv4 ones as before; a strict one refused with ICMPv6', () => {
    const text = ruleset(`${TRANSLATED}POLICY=( "from fd00:1::2 use eth2" "from fd00:1::3/128 to 2001:db8:ff::20 use eth1 strict" "to 198.51.100.0/24 use eth1" )\n`, { drained: new Set(['eth1']) });
    expect(text).toContain('    meta nfproto ipv6 ct state new iifname != { "eth1", "eth2" } jump policies6_in\n');
    expect(text).toContain('  chain policies6_in {\n    ip6 saddr fd00:1::2/128 meta mark set 0x98 ct mark set meta mark accept\n    ip6 saddr fd00:1::3/128 ip6 daddr 2001:db8:ff::20/128 meta l4proto tcp reject with tcp reset\n    ip6 saddr fd00:1::3/128 ip6 daddr 2001:db8:ff::20/128 reject with icmpv6 type admin-prohibited\n  }');
    expect(text).toContain('  chain policies_in {\n    ip daddr 198.51.100.0/24 accept\n  }');
  });

  it('refuses an IPv6 policy outside translated mode, and one whose networks are of both families', () => {
    expect(problemsOf(`${TWO}POLICY=( "from fd00:1::2 use eth2" )\n`)).toEqual(["test.conf:3: POLICY[0]: \"from fd00:1::2 use eth2\": an IPv6 policy needs IPV6_MODE=translated (in native mode a LAN host's source prefix decides its ISP)"]);
    expect(problemsOf(`${TRANSLATED}POLICY=( "from fd00:1::2 to 198.51.100.0/24 use eth2" )\n`)).toEqual(['test.conf:5: POLICY[0]: "from fd00:1::2 to 198.51.100.0/24 use eth2": from fd00:1::2/128 and to 198.51.100.0/24 are of different address families']);
    expect(problemsOf(`${TRANSLATED}POLICY=( "from fd00:1::2/129 use eth2" )\n`)[0]).toContain('from: "fd00:1::2/129" is not an IPv6 network (address/len) or address');
  });

  it('gives the LAN no address of its own from the delegated prefixes: it keeps its one prefix', () => {
    const want = desired(configFrom(TRANSLATED), observedAt('dual-applied'), inputs('dual-applied'));
    expect(want.target.inet6?.addresses ?? []).toEqual([]);
    expect(want.target.inet6?.mainDefault?.nexthops?.map((h) => `${h.dev} ${h.weight}`)).toEqual(['eth1 2', 'eth2 1']);
  });
});
