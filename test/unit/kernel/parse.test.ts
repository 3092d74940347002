import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError, parseAddresses, parseLinks, parseObservation, parseRoutes, parseRules } from '../../../src/kernel/parse.js';
import { desired } from '../../../src/plan/desired.js';
import { diff } from '../../../src/plan/diff.js';
import { FIXTURES, configFrom, leasesAt, observedAt } from '../helpers.js';

describe('ip -j -N output', () => {
  it('reads a captured state', () => {
    const observed = observedAt('applied-2');
    expect(observed.links.find((l) => l.name === 'eth1')).toEqual({ name: 'eth1', up: true, carrier: true });
    expect(observed.addresses.filter((a) => a.device.startsWith('eth'))).toEqual([
      { device: 'eth1', address: '198.18.101.163', prefix: 24 },
      { device: 'eth2', address: '198.18.102.162', prefix: 24 },
    ]);
    expect(observed.rules.filter((r) => r.protocol === 73)).toHaveLength(5);
    expect(observed.rules.find((r) => r.priority === 999)).toMatchObject({ table: 254, suppressPrefixlength: 0, extra: [] });
    const main = observed.routes.find((r) => r.table === 254 && r.dst === 'default');
    expect(main?.nexthops).toEqual([
      { gateway: '198.18.101.1', dev: 'eth1', weight: 2, onlink: false },
      { gateway: '198.18.102.1', dev: 'eth2', weight: 1, onlink: false },
    ]);
    expect(observed.routes.find((r) => r.table === 201 && r.type === 'prohibit')?.metric).toBe(4000000000);
  });

  it('skips entries that lack what the model needs instead of guessing', () => {
    expect(parseLinks('[{"flags":["UP"]},{"ifname":"eth1"}]')).toEqual([{ name: 'eth1', up: false, carrier: false }]);
    expect(parseAddresses('[{"ifname":"eth1","addr_info":[{"family":"inet","local":"192.0.2.1"},{"family":"inet6","local":"fe80::1","prefixlen":64}]}]')).toEqual([]);
    expect(parseRules('[{"priority":5},{"table":"201"},{"priority":7,"table":"201","iif":"eth0"}]')).toEqual([
      { priority: 7, table: 201, protocol: 0, src: 'all', srclen: 0, extra: ['iif="eth0"'] },
    ]);
    expect(parseRoutes('[{"gateway":"192.0.2.1"},{"dst":"default","nexthops":[{"gateway":"192.0.2.1"}]}]')).toEqual([
      { table: 254, type: 'unicast', dst: 'default', metric: 0, protocol: 3, scope: 0, onlink: false, nexthops: [], metrics: {} },
    ]);
  });

  it('names every entry it skipped', () => {
    const skipped: string[] = [];
    parseLinks('[{"flags":["UP"]},7]', skipped);
    parseAddresses('[{"ifname":"eth1","addr_info":[{"family":"inet","local":"192.0.2.1"}]}]', skipped);
    parseRules('[{"table":"201"},{"priority":9,"action":"blackhole"}]', skipped);
    parseRoutes('[{"gateway":"192.0.2.1"},{"dst":"default","nexthops":[{"gateway":"192.0.2.1"}]}]', skipped);
    expect(skipped).toEqual([
      'ip link: 1 entries that are not objects',
      'ip link: an entry without ifname: {"flags":["UP"]}',
      'ip addr: an IPv4 address of eth1 without local or prefixlen: {"family":"inet","local":"192.0.2.1"}',
      'ip rule: an entry without priority or table: {"table":"201"}',
      'ip route: an entry without dst: {"gateway":"192.0.2.1"}',
      'ip route: a nexthop without dev: {"gateway":"192.0.2.1"}',
    ]);
  });

  it('a captured state with fields removed: skipped entries are reported and the plan only re-adds, never guesses', () => {
    const raw = (file: string): string => readFileSync(join(FIXTURES, 'applied-2', file), 'utf8');
    const routes = JSON.parse(raw('routes.json')) as Record<string, unknown>[];
    const rules = JSON.parse(raw('rules.json')) as Record<string, unknown>[];
    for (const field of ['dst', 'table', 'priority']) {
      const strip = (list: Record<string, unknown>[]): string => JSON.stringify(list.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== field))));
      const observed = parseObservation({ links: raw('links.json'), addresses: raw('addresses.json'), rules: strip(rules), routes: strip(routes) });
      if (field !== 'table') expect(observed.skipped?.length, field).toBeGreaterThan(0);
      const plan = diff(desired(configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n'), observed, { leases: leasesAt('applied-2') }), observed);
      // without dst or priority the entries are invisible: everything is re-added, nothing foreign
      // deleted (without table, routes read as main's and rules are skipped: uplink-lb's own
      // routes read as main's are its own there too, and go)
      const kinds = plan.changes.map((c) => c.command.split(' ').slice(0, 2).join(' '));
      const count = (kind: string): number => kinds.filter((k) => k === kind).length;
      const expected = { dst: { 'route replace': 7, 'rule add': 0, 'route del': 0 }, table: { 'route replace': 6, 'rule add': 5, 'route del': 6 }, priority: { 'route replace': 0, 'rule add': 5, 'route del': 0 } }[field];
      expect({ 'route replace': count('route replace'), 'rule add': count('rule add'), 'route del': count('route del') }, field).toEqual(expected);
      expect(kinds, field).toHaveLength(Object.values(expected ?? {}).reduce((a, b) => a + b, 0));
      for (const c of plan.changes) expect(c.command, field).toMatch(field === 'table' ? /^(route (replace|del) .* table (201|202|254)|rule add)/ : /^(route replace|rule add)/);
    }
  });

  it('reports output that is not JSON', () => {
    expect(() => parseRules('Error: something')).toThrow(ParseError);
    expect(() => parseRules('{"priority":1}')).toThrow('ip rule: expected a JSON array');
    expect(parseRules('')).toEqual([]);
  });
});
