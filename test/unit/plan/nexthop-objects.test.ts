// Nexthop objects, planned on kernel states captured on the rig (test/fixtures/applied-nexthops:
// both uplinks in the group; carrier-lost-nexthops: isp1's carrier gone, the kernel having
// deleted eth1's object, its table default and its place in the group; applied-2 and
// bound-fresh: a kernel without nexthop objects).
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { diff } from '../../../src/plan/diff.js';
import { ownedSnapshot } from '../../../src/plan/snapshot.js';
import type { Observed } from '../../../src/kernel/types.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const plan = (observed: Observed, text = TWO, leasesOf = 'applied-nexthops'): string[] =>
  diff(desired(configFrom(text), observed, { leases: leasesAt(leasesOf) }), observed).changes.map((c) => c.command);

describe('nexthop objects', () => {
  it('reads the objects and the routes that use them', () => {
    const observed = observedAt('applied-nexthops');
    expect(observed.nexthops).toEqual([
      { id: 7300000, protocol: 73, onlink: false, group: [{ id: 7300001, weight: 2 }, { id: 7300002, weight: 1 }], extra: [] },
      { id: 7300001, protocol: 73, gateway: '198.18.101.1', dev: 'eth1', onlink: false, extra: [] },
      { id: 7300002, protocol: 73, gateway: '198.18.102.1', dev: 'eth2', onlink: false, extra: [] },
    ]);
    const main = observed.routes.find((r) => r.table === 254 && r.dst === 'default');
    expect(main).toMatchObject({ nhid: 7300000, metric: 10 });
    // ip lists the group's members on the route too: status reads them
    expect(main?.nexthops?.map((h) => `${h.dev} ${h.weight}`)).toEqual(['eth1 2', 'eth2 1']);
  });

  it('the state they make is the state it wants: nothing to change; the target, literally', () => {
    const observed = observedAt('applied-nexthops');
    expect(plan(observed)).toEqual([]);
    const want = desired(configFrom(TWO), observed, { leases: leasesAt('applied-nexthops') });
    expect(want.nexthopMode).toEqual({ objects: true });
    expect(want.target.mainDefault).toMatchObject({ table: 254, metric: 10, protocol: 73, nhid: 7300000 });
    expect(want.target.mainDefault?.nexthops).toBeUndefined();
    expect(want.target.tableRoutes.filter((r) => r.dst === 'default' && r.type === 'unicast').map((r) => `${r.table} ${r.nhid}`)).toEqual(['201 7300001', '202 7300002']);
  });

  it('from routes that carry their nexthops: the objects first, singles before the group, then the routes', () => {
    const observed = { ...observedAt('applied-2'), nexthops: [] };
    expect(plan(observed, TWO, 'applied-2')).toEqual([
      'nexthop replace id 7300001 via 198.18.101.1 dev eth1 proto 73',
      'nexthop replace id 7300002 via 198.18.102.1 dev eth2 proto 73',
      'nexthop replace id 7300000 group 7300001,2/7300002,1 proto 73',
      'route replace default table 201 metric 0 proto 73 nhid 7300001',
      'route replace default table 202 metric 0 proto 73 nhid 7300002',
      'route replace default table 254 metric 10 proto 73 nhid 7300000',
    ]);
  });

  it('NEXTHOP_OBJECTS=no: back to routes that carry their nexthops, the group deleted before its members', () => {
    expect(plan(observedAt('applied-nexthops'), `${TWO}NEXTHOP_OBJECTS=no\n`)).toEqual([
      'route replace default table 201 metric 0 proto 73 via 198.18.101.1 dev eth1',
      'route replace default table 202 metric 0 proto 73 via 198.18.102.1 dev eth2',
      'route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.1 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1',
      'nexthop del id 7300000',
      'nexthop del id 7300001',
      'nexthop del id 7300002',
    ]);
  });

  it('a kernel without nexthop objects keeps the routes that carry their nexthops', () => {
    const observed = observedAt('applied-2');
    expect(observed.nexthops).toBeUndefined();
    expect(plan(observed, TWO, 'applied-2')).toEqual([]);
    expect(desired(configFrom(TWO), observed, { leases: leasesAt('applied-2') }).nexthopMode).toEqual({ objects: false, why: 'this kernel or iproute2 has no nexthop objects' });
  });

  it('an id in its range held by another program: routes that carry their nexthops, and why', () => {
    const observed = observedAt('applied-nexthops');
    observed.nexthops?.push({ id: 7300009, protocol: 3, gateway: '198.18.102.1', dev: 'eth2', onlink: false, extra: [] });
    const want = desired(configFrom(TWO), observed, { leases: leasesAt('applied-nexthops') });
    expect(want.nexthopMode).toEqual({ objects: false, why: "nexthop id 7300009 belongs to another program, protocol 3; uplink-lb's ids are 7300000-7300064" });
    const commands = plan(observed);
    expect(commands).toContain('nexthop del id 7300000');
    expect(commands.join('\n')).not.toContain('7300009');
  });

  it('a lost carrier: the kernel took eth1 out, and that is what it wants too', () => {
    const observed = observedAt('carrier-lost-nexthops');
    expect(observed.links.find((l) => l.name === 'eth1')?.carrier).toBe(false);
    expect(observed.nexthops?.map((n) => n.id)).toEqual([7300000, 7300002]);
    expect(plan(observed)).toEqual([]);
  });

  it('the carrier back: eth1 object, its table default and its place in the group', () => {
    const lost = observedAt('carrier-lost-nexthops');
    const back = { ...lost, links: observedAt('applied-nexthops').links };
    expect(plan(back)).toEqual([
      'nexthop replace id 7300001 via 198.18.101.1 dev eth1 proto 73',
      'nexthop replace id 7300000 group 7300001,2/7300002,1 proto 73',
      'route replace default table 201 metric 0 proto 73 nhid 7300001',
    ]);
  });

  it('a weight changes only the group: the route stays as it is', () => {
    expect(plan(observedAt('applied-nexthops'), 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 3 )\n')).toEqual(['nexthop replace id 7300000 group 7300001,1/7300002,3 proto 73']);
  });

  it("a rollback puts uplink-lb's objects back as they were, and leaves another program's alone", () => {
    const before = observedAt('applied-nexthops');
    before.nexthops?.push({ id: 77, protocol: 3, gateway: '198.18.102.1', dev: 'eth2', onlink: false, extra: [] });
    const snapshot = ownedSnapshot(before, desired(configFrom(TWO), before, { leases: leasesAt('applied-nexthops') }).scope);
    expect(snapshot.target.nexthops.map((n) => n.id)).toEqual([7300000, 7300001, 7300002]);
    const after = observedAt('carrier-lost-nexthops');
    expect(diff(snapshot, after).changes.map((c) => c.command)).toEqual([
      'nexthop replace id 7300001 via 198.18.101.1 dev eth1 proto 73',
      'nexthop replace id 7300000 group 7300001,2/7300002,1 proto 73',
      'route replace default table 201 metric 0 proto 73 nhid 7300001',
    ]);
  });

  it('ROUTE_OPTIONS onlink goes to the gateways\' objects; a PPP link\'s object is by device, never onlink', () => {
    expect(plan(observedAt('applied-nexthops'), `${TWO}ROUTE_OPTIONS="onlink"\n`)).toEqual([
      'nexthop replace id 7300001 via 198.18.101.1 dev eth1 onlink proto 73',
      'nexthop replace id 7300002 via 198.18.102.1 dev eth2 onlink proto 73',
    ]);
    // the PPPoE machine's applied state (pppd's ppp0 by device, eth2 by gateway) on a kernel
    // with nexthop objects and none made yet
    const ppp = { ...observedAt('ppp-applied'), nexthops: [] };
    const commands = diff(desired(configFrom('IFACE_DEVICE=( ppp0 eth2 )\nROUTE_OPTIONS="onlink"\n'), ppp, { leases: leasesAt('ppp-applied') }), ppp).changes.map((c) => c.command);
    expect(commands.slice(0, 3)).toEqual([
      'nexthop replace id 7300001 dev ppp0 proto 73',
      'nexthop replace id 7300002 via 192.0.2.1 dev eth2 onlink proto 73',
      'nexthop replace id 7300000 group 7300001,1/7300002,1 proto 73',
    ]);
    expect(commands).toContain('route replace default table 201 metric 0 proto 73 nhid 7300001');
  });
});
