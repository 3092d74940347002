import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { diff } from '../../../src/plan/diff.js';
import { APPLIED_2_RULES, configFrom, leasesAt, observedAt } from '../helpers.js';
import type { Route } from '../../../src/kernel/types.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const commands = (state: string, text = TWO, event?: { device: string; mode: 'start' | 'stop' }): string[] => {
  const observed = observedAt(state);
  return diff(desired(configFrom(text), observed, event ? { leases: leasesAt(state), event } : { leases: leasesAt(state) }), observed).changes.map((c) => c.command);
};

/** Every route of the applied-2 state's uplink tables 201 and 202, deleted in plan order. */
const TABLE_ROUTES_DELETED = [
      'route del default table 201 metric 0',
      'route del default table 201 metric 4000000000',
      'route del 198.18.101.0/24 table 201 metric 0',
      'route del default table 202 metric 0',
      'route del default table 202 metric 4000000000',
      'route del 198.18.102.0/24 table 202 metric 0',
];

describe('plan on kernel states captured on the rig', () => {
  it('builds tables, rules and one weighted multipath default from nothing', () => {
    expect(commands('bound-fresh')).toEqual([
      'route replace 198.18.101.0/24 table 201 metric 0 proto 73 scope 253 dev eth1 src 198.18.101.163',
      'route replace default table 201 metric 0 proto 73 via 198.18.101.1 dev eth1',
      'route replace prohibit default table 201 metric 4000000000 proto 73',
      'route replace 198.18.102.0/24 table 202 metric 0 proto 73 scope 253 dev eth2 src 198.18.102.162',
      'route replace default table 202 metric 0 proto 73 via 198.18.102.1 dev eth2',
      'route replace prohibit default table 202 metric 4000000000 proto 73',
      ...APPLIED_2_RULES.map((r) => `rule add ${r}`),
      'route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.1 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1',
    ]);
  });

  it('puts every mark rule ahead of every source rule, whichever uplink has the lower priority', () => {
    const rules = commands('bound-fresh', `${TWO}IFACE_TABLES_PRIO=( 1200 1100 )\n`).filter((c) => c.startsWith('rule'));
    expect(rules).toEqual([
      'rule add priority 1098 lookup 254 suppress_prefixlength 0 protocol 73',
      'rule add priority 1099 fwmark 0x97 lookup 201 protocol 73',
      'rule add priority 1099 fwmark 0x98 lookup 202 protocol 73',
      'rule add priority 1200 from 198.18.101.163/32 lookup 201 protocol 73',
      'rule add priority 1100 from 198.18.102.162/32 lookup 202 protocol 73',
    ]);
  });

  it('moves the rules of the former layout (mark and source at the uplink\'s priority) in one plan', () => {
    const observed = observedAt('applied-2');
    const former = observed.rules.map((r) => (r.fwmark !== undefined ? { ...r, priority: r.table === 201 ? 1001 : 1002 } : r.suppressPrefixlength !== undefined ? { ...r, priority: 1000 } : r));
    const plan = diff(desired(configFrom(TWO), { ...observed, rules: former }, { leases: leasesAt('applied-2') }), { ...observed, rules: former }).changes.map((c) => c.command);
    expect(plan).toEqual([
      'rule add priority 999 lookup 254 suppress_prefixlength 0 protocol 73',
      'rule add priority 1000 fwmark 0x97 lookup 201 protocol 73',
      'rule add priority 1000 fwmark 0x98 lookup 202 protocol 73',
      'rule del priority 1000 lookup 254 suppress_prefixlength 0 protocol 73',
      'rule del priority 1001 fwmark 0x97 lookup 201 protocol 73',
      'rule del priority 1002 fwmark 0x98 lookup 202 protocol 73',
    ]);
  });

  it('empties the tables of a former configuration (IFACE_TABLES changed, an uplink removed)', () => {
    const plan = commands('applied-2', `${TWO}IFACE_TABLES=( 211 212 )\n`);
    const removed = plan.filter((c) => c.startsWith('route del'));
    expect(removed).toEqual(TABLE_ROUTES_DELETED);
    expect(commands('applied-2', 'IFACE_DEVICE=( eth1 )\n').filter((c) => c.includes('table 202'))).toHaveLength(3);
  });

  it('plans nothing when the kernel already matches', () => {
    expect(commands('applied-2')).toEqual([]);
    expect(commands('foreign-applied')).toEqual([]);
    expect(commands('eth1-down')).toEqual([]);
  });

  it('removes a duplicate of its own default route and leaves foreign rules and routes alone', () => {
    const plan = commands('foreign-and-duplicates');
    expect(plan).toEqual([
      'route del default table 254 metric 10',
      'route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.1 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1',
    ]);
    expect(plan.join('\n')).not.toMatch(/table 300|metric 100\b|priority 500/);
  });

  it('takes an uplink out on ifdown and rebuilds the default route over the others', () => {
    expect(commands('foreign-applied', TWO, { device: 'eth1', mode: 'stop' })).toEqual([
      'route replace default table 254 metric 10 proto 73 via 198.18.102.1 dev eth2',
      'rule del priority 1000 fwmark 0x97 lookup 201 protocol 73',
      'rule del priority 1001 from 198.18.101.163/32 lookup 201 protocol 73',
      'route del default table 201 metric 0',
      'route del default table 201 metric 4000000000',
      'route del 198.18.101.0/24 table 201 metric 0',
    ]);
  });

  it('an event for another interface or MODE=start changes nothing', () => {
    expect(commands('applied-2', TWO, { device: 'eth1', mode: 'start' })).toEqual([]);
    expect(commands('applied-2', TWO, { device: 'eth3', mode: 'stop' })).toEqual([]);
  });

  it('follows a renewal that changed the gateway', () => {
    const observed = observedAt('applied-2');
    const leases = leasesAt('applied-2');
    leases.set('eth1', { device: 'eth1', address: '198.18.101.163', gateway: '198.18.101.254', reason: 'RENEW', source: 'dhclient' });
    const plan = diff(desired(configFrom(TWO), observed, { leases }), observed).changes.map((c) => c.command);
    expect(plan).toEqual([
      'route replace default table 201 metric 0 proto 73 via 198.18.101.254 dev eth1',
      'route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.254 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1',
    ]);
  });

  it('ignores a lease record whose address is not on the interface', () => {
    const observed = observedAt('applied-2');
    const leases = leasesAt('applied-2');
    leases.set('eth1', { device: 'eth1', address: '198.18.101.99', gateway: '198.18.101.1', reason: 'BOUND', source: 'dhclient' });
    const want = desired(configFrom(TWO), observed, { leases });
    expect(want.uplinks[0]).toMatchObject({ status: 'unconfigured', reason: expect.stringContaining('198.18.101.99') });
    expect(want.target.mainDefault?.gateway).toBe('198.18.102.1');
  });

  it('changes only the default route when weights change', () => {
    expect(commands('applied-2', 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 3 )\n')).toEqual([
      'route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.1 dev eth1 weight 1 nexthop via 198.18.102.1 dev eth2 weight 3',
    ]);
  });

  it('applies ROUTE_OPTIONS to the gateway routes and the default route, whose protocol stays uplink-lb\'s', () => {
    const plan = commands('applied-2', `${TWO}ROUTE_OPTIONS="proto static initcwnd 70 initrwnd 70 quickack 1"\n`);
    expect(plan).toEqual([
      'route replace default table 201 metric 0 proto 4 via 198.18.101.1 dev eth1 initcwnd 70 initrwnd 70 quickack 1',
      'route replace default table 202 metric 0 proto 4 via 198.18.102.1 dev eth2 initcwnd 70 initrwnd 70 quickack 1',
      'route replace default table 254 metric 10 proto 73 initcwnd 70 initrwnd 70 quickack 1 nexthop via 198.18.101.1 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1',
    ]);
  });

  it('a static uplink uses its configured address and gateway', () => {
    const text = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_IPS=( 198.18.101.163 auto )\nIFACE_NMS=( /24 auto )\nIFACE_GWS=( 198.18.101.1 auto )\n';
    const observed = observedAt('bound-fresh');
    const want = desired(configFrom(text), observed, { leases: new Map() });
    expect(want.uplinks.map((u) => u.status)).toEqual(['up', 'unconfigured']);
    expect(want.target.mainDefault?.gateway).toBe('198.18.101.1');
  });

  it('has no default route when no uplink is up, and deletes its own', () => {
    expect(commands('applied-2', 'IFACE_DEVICE=( eth9 )\n')).toEqual([
      'route del default table 254 metric 10',
      ...APPLIED_2_RULES.map((r) => `rule del ${r}`),
      ...TABLE_ROUTES_DELETED,
    ]);
  });
});

describe('plan with health', () => {
  const observed = observedAt('applied-2');
  const leases = leasesAt('applied-2');

  it('a drained uplink leaves the default route but keeps its rules and table', () => {
    const want = desired(configFrom(TWO), observed, { leases, drained: new Set(['eth1']) });
    expect(diff(want, observed).changes.map((c) => c.command)).toEqual(['route replace default table 254 metric 10 proto 73 via 198.18.102.1 dev eth2']);
    expect(want.uplinks.map((u) => [u.uplink.device, u.status, u.inRoute])).toEqual([['eth1', 'up', false], ['eth2', 'up', true]]);
    expect(want.failOpen).toBe(false);
  });

  it('fails open when every uplink is drained: the route stays as it is', () => {
    const want = desired(configFrom(TWO), observed, { leases, drained: new Set(['eth1', 'eth2']) });
    expect(want.failOpen).toBe(true);
    expect(diff(want, observed).changes).toEqual([]);
  });

  it('an ifup of a drained uplink does not put it back', () => {
    const want = desired(configFrom(TWO), observed, { leases, drained: new Set(['eth1']), event: { device: 'eth1', mode: 'start' } });
    expect(want.target.mainDefault?.gateway).toBe('198.18.102.1');
  });
});

describe('a changed key leaves nothing of uplink-lb behind (applied-2, weights 2:1, metric 10)', () => {
  const deletes = (text: string): string[] => commands('applied-2', text).filter((c) => c.includes(' del '));

  it('DEFAULT_ROUTE_METRIC 10 -> 20: the route at 20 first, then its own route at 10 goes', () => {
    const plan = commands('applied-2', `${TWO}DEFAULT_ROUTE_METRIC=20\n`);
    expect(plan).toEqual([
      'route replace default table 254 metric 20 proto 73 nexthop via 198.18.101.1 dev eth1 weight 2 nexthop via 198.18.102.1 dev eth2 weight 1',
      'route del default table 254 metric 10',
    ]);
  });

  it('a default route of its protocol at any other metric is its own: deleted, and never shown as a foreign one', () => {
    const observed = observedAt('applied-2');
    const stale = { ...(observed.routes.find((r) => r.table === 254 && r.dst === 'default') as Route), metric: 5 };
    const withStale = { ...observed, routes: [...observed.routes, stale] };
    const plan = diff(desired(configFrom(TWO), withStale, { leases: leasesAt('applied-2') }), withStale).changes.map((c) => c.command);
    expect(plan).toEqual(['route del default table 254 metric 5']);
  });

  it('IFACE_TABLES_PRIO: the rules at the former priorities go', () => {
    expect(deletes(`${TWO}IFACE_TABLES_PRIO=( 1101 1102 )\n`)).toEqual([
      ...APPLIED_2_RULES.map((r) => `rule del ${r}`),
    ]);
  });

  it('IFACE_MARK: the rules of the former marks go', () => {
    expect(deletes(`${TWO}IFACE_MARK=( 0x197 0x198 )\n`)).toEqual(['rule del priority 1000 fwmark 0x97 lookup 201 protocol 73', 'rule del priority 1000 fwmark 0x98 lookup 202 protocol 73']);
  });

  it('IFACE_TABLES: the former tables are emptied', () => {
    expect(deletes(`${TWO}IFACE_TABLES=( 211 212 )\n`)).toEqual([
      'rule del priority 1000 fwmark 0x97 lookup 201 protocol 73',
      'rule del priority 1000 fwmark 0x98 lookup 202 protocol 73',
      'rule del priority 1001 from 198.18.101.163/32 lookup 201 protocol 73',
      'rule del priority 1002 from 198.18.102.162/32 lookup 202 protocol 73',
      ...TABLE_ROUTES_DELETED,
    ]);
  });

  it('an uplink removed from IFACE_DEVICE: its rules and table go, the default route is rebuilt without it', () => {
    const plan = commands('applied-2', 'IFACE_DEVICE=( eth1 )\n');
    expect(plan[0]).toBe('route replace default table 254 metric 10 proto 73 via 198.18.101.1 dev eth1');
    expect(plan.slice(1)).toEqual([
      'rule del priority 1000 fwmark 0x98 lookup 202 protocol 73',
      'rule del priority 1002 from 198.18.102.162/32 lookup 202 protocol 73',
      ...TABLE_ROUTES_DELETED.slice(3),
    ]);
  });
});
