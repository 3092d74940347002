// IPv6 resolvers (a DHCPv6 client's, a resolvconf record's, IFACE_RESOLVERS') on the state the
// dual-stack rig captured (test/fixtures/dual-applied: two ISPs, eth1 weight 2, eth2 weight 1):
// listed while their uplink's IPv6 side is usable, pinned by a host route through that uplink's
// router (the router's own queries leave with that ISP's address), refused by a prohibit route
// while it is not, and nothing of it under IPV6_MODE=off.
import { describe, expect, it } from 'vitest';
import { desired, type DesiredInputs } from '../../../src/plan/desired.js';
import { diff } from '../../../src/plan/diff.js';
import { renderPlan } from '../../../src/plan/render.js';
import { ownedSnapshot } from '../../../src/plan/snapshot.js';
import { planResolvConf, renderResolvConf } from '../../../src/plan/resolv-conf.js';
import type { Observed } from '../../../src/kernel/types.js';
import { configFrom, delegationsAt, leasesAt, observedAt } from '../helpers.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const observed = observedAt('dual-applied');
const leases = new Map([...leasesAt('dual-applied')].map(([d, l]) => [d, { ...l, resolvers: [d === 'eth1' ? '192.0.2.51' : '192.0.2.52'] }]));
const dhcp6 = new Map([
  ['eth1', { resolvers: ['2001:db8:ff:53::1'], source: 'dhclient' }],
  ['eth2', { resolvers: ['2001:db8:ff:53::2', '2001:db8:ff:53::99'], source: 'dhcpcd' }],
]);
const inputs = (more: Partial<DesiredInputs> = {}): DesiredInputs => ({ leases, delegated: delegationsAt('dual-applied'), dhcp6Resolvers: dhcp6, ...more });
const want = (text = TWO, more: Partial<DesiredInputs> = {}, state: Observed = observed) => desired(configFrom(text), state, inputs(more));
const ipv6Lines = (text = TWO, more: Partial<DesiredInputs> = {}, state: Observed = observed): string[] =>
  renderPlan(diff(want(text, more, state), state)).ip.filter((s) => s.family === 'inet6').flatMap((s) => s.lines);

const PINS = [
  'route replace 2001:db8:ff:53::1 table 254 metric 10 proto 73 via fe80::ff:fe00:101 dev eth1',
  'route replace 2001:db8:ff:53::2 table 254 metric 10 proto 73 via fe80::ff:fe00:201 dev eth2',
  'route replace 2001:db8:ff:53::99 table 254 metric 10 proto 73 via fe80::ff:fe00:201 dev eth2',
];

/** The captured state with uplink-lb's IPv6 pins in it, as the kernel would list them. */
function withPins(): Observed {
  const six = observed.inet6 as Observed;
  const pin = (dst: string, gateway: string, dev: string) => ({ table: 254, type: 'unicast' as const, dst, metric: 10, protocol: 73, scope: 0, onlink: false, gateway, dev, metrics: {} });
  return { ...observed, inet6: { ...six, routes: [...six.routes, pin('2001:db8:ff:53::1', 'fe80::ff:fe00:101', 'eth1'), pin('2001:db8:ff:53::2', 'fe80::ff:fe00:201', 'eth2'), pin('2001:db8:ff:53::99', 'fe80::ff:fe00:201', 'eth2')] } };
}

describe('IPv6 resolvers', () => {
  it("are listed after their uplink's IPv4 ones, by weight, each said by its client", () => {
    expect(want().resolvers.map((e) => [e.address, e.by])).toEqual([
      ['192.0.2.51', "eth1's DHCP client (dhclient)"],
      ['2001:db8:ff:53::1', "eth1's DHCPv6 client (dhclient)"],
      ['192.0.2.52', "eth2's DHCP client (dhclient)"],
      ['2001:db8:ff:53::2', "eth2's DHCPv6 client (dhcpcd)"],
      ['2001:db8:ff:53::99', "eth2's DHCPv6 client (dhcpcd)"],
    ]);
  });

  it("each goes through its uplink's router by a host route of uplink-lb's in main, and nothing is planned once it is there", () => {
    expect(ipv6Lines()).toEqual(PINS);
    expect(ipv6Lines(TWO, {}, withPins())).toEqual([]);
    // no pins without connection pinning, as for IPv4's resolvers: the ones there go
    expect(ipv6Lines(`${TWO}CONNECTION_PINNING=no\n`, {}, withPins())).toEqual(['route del 2001:db8:ff:53::1 table 254 metric 10', 'route del 2001:db8:ff:53::2 table 254 metric 10', 'route del 2001:db8:ff:53::99 table 254 metric 10']);
  });

  it("an uplink whose IPv6 side is drained: its resolvers leave the list and are refused at once (prohibit), IPv4's stay", () => {
    const six = `${TWO}CHECK_TARGETS=( 192.0.2.20 2001:db8:ff::20 )\n`;
    const drained = { drained: new Set(['eth2/ipv6']) };
    expect(want(six, drained).resolvers.map((e) => e.address)).toEqual(['192.0.2.51', '2001:db8:ff:53::1', '192.0.2.52']);
    expect(ipv6Lines(six, drained, withPins())).toEqual([
      'route replace default table 254 metric 10 proto 73 via fe80::ff:fe00:101 dev eth1',
      'route replace prohibit 2001:db8:ff:53::2 table 254 metric 10 proto 73',
      'route replace prohibit 2001:db8:ff:53::99 table 254 metric 10 proto 73',
    ]);
  });

  it('an uplink taken down (ifdown) takes its pins with it, as a released lease its IPv4 ones', () => {
    const state = withPins();
    const down: Observed = { ...state, links: state.links.map((l) => (l.name === 'eth2' ? { ...l, up: false } : l)) };
    down.inet6 = { ...(state.inet6 as Observed), links: down.links };
    expect(ipv6Lines(TWO, {}, down).filter((l) => l.includes('2001:db8:ff:53'))).toEqual(['route del 2001:db8:ff:53::2 table 254 metric 10', 'route del 2001:db8:ff:53::99 table 254 metric 10']);
  });

  it('one that several uplinks announce is left to the default route; IPV6_MODE=off leaves them all alone and takes its pins away', () => {
    const shared = new Map([...dhcp6, ['eth1', { resolvers: ['2001:db8:ff:53::99'], source: 'dhclient' }]]);
    expect(ipv6Lines(TWO, { dhcp6Resolvers: shared })).toEqual([PINS[1]]);
    const off = want(`${TWO}IPV6_MODE=off\n`, {}, withPins());
    expect(off.resolvers.map((e) => e.address)).toEqual(['192.0.2.51', '192.0.2.52']);
    expect(ipv6Lines(`${TWO}IPV6_MODE=off\n`, {}, withPins())).toEqual(expect.arrayContaining(['route del 2001:db8:ff:53::1 table 254 metric 10']));
  });

  it('a rollback puts the pins back as they were', () => {
    const before = withPins();
    const snapshot = ownedSnapshot(before, want().scope);
    expect(snapshot.target.inet6?.mainRoutes?.map((r) => r.dst)).toEqual(['2001:db8:ff:53::1', '2001:db8:ff:53::2', '2001:db8:ff:53::99']);
    expect(renderPlan(diff(snapshot, observed)).ip.filter((s) => s.family === 'inet6').flatMap((s) => s.lines)).toEqual(PINS);
  });

  it("resolv.conf: the file's IPv6 nameservers are replaced once an uplink announces IPv6 ones, kept while none does", () => {
    const file = 'search lan\nnameserver 192.0.2.99\nnameserver 2001:db8::dead\n';
    const w = want();
    const plan = planResolvConf(configFrom(TWO), w.announced, w.resolvers, { kind: 'file', text: file, mtimeSeconds: 0 }, 'B');
    expect(plan.action).toBe('write');
    const text = plan.action === 'write' ? plan.text : '';
    expect(text.split('\n').filter((l) => l.startsWith('nameserver'))).toEqual(['nameserver 192.0.2.51', 'nameserver 2001:db8:ff:53::1', 'nameserver 192.0.2.52', 'nameserver 2001:db8:ff:53::2', 'nameserver 2001:db8:ff:53::99']);
    expect(text).toContain('# uplink-lb: 2001:db8:ff:53::1 of eth1\'s DHCPv6 client (dhclient)\n');
    // only IPv4 announced: the file's IPv6 line stays, after uplink-lb's
    const v4 = renderResolvConf(file, w.resolvers.filter((e) => !e.address.includes(':')), 'N', { inet: true, inet6: false });
    expect(v4.split('\n').filter((l) => l.startsWith('nameserver'))).toEqual(['nameserver 192.0.2.51', 'nameserver 192.0.2.52', 'nameserver 2001:db8::dead']);
  });

  it("a router advertisement's resolvers (RDNSS, dhcpcd) come after the lease's, and say where they came from", () => {
    const ra = new Map([['eth2', { resolvers: [], ra: ['2001:db8:ff:53::2'], source: 'dhcpcd' }], ['eth1', { resolvers: ['2001:db8:ff:53::1'], ra: ['2001:db8:ff:53::1', '2001:db8:ff:53::11'], source: 'dhcpcd' }]]);
    expect(want(TWO, { dhcp6Resolvers: ra }).resolvers.filter((e) => e.address.includes(':')).map((e) => [e.address, e.by])).toEqual([
      ['2001:db8:ff:53::1', "eth1's DHCPv6 client and router advertisements (dhcpcd)"],
      ['2001:db8:ff:53::11', "eth1's DHCPv6 client and router advertisements (dhcpcd)"],
      ['2001:db8:ff:53::2', "eth2's router advertisements (dhcpcd)"],
    ]);
  });

  it('IFACE_RESOLVERS takes both families for a static uplink', () => {
    const w = want('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nIFACE_RESOLVERS=( "2001:db8:ff:53::7, 192.0.2.7" none )\n');
    expect(w.resolvers.map((e) => [e.address, e.by])).toEqual([
      ['192.0.2.7', 'IFACE_RESOLVERS for eth1'],
      ['2001:db8:ff:53::7', 'IFACE_RESOLVERS for eth1'],
    ]);
    expect(w.target.inet6?.mainRoutes?.map((r) => `${r.dst} ${r.dev ?? ''}`)).toEqual(['2001:db8:ff:53::7 eth1']);
  });
});
