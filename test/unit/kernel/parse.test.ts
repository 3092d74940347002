import { describe, expect, it } from 'vitest';
import { ParseError, parseAddresses, parseLinks, parseRoutes, parseRules } from '../../../src/kernel/parse.js';
import { observedAt } from '../helpers.js';

describe('ip -j -N output', () => {
  it('reads a captured state', () => {
    const observed = observedAt('applied-2');
    expect(observed.links.find((l) => l.name === 'eth1')).toEqual({ name: 'eth1', up: true, carrier: true });
    expect(observed.addresses.filter((a) => a.device.startsWith('eth'))).toEqual([
      { device: 'eth1', address: '198.18.101.163', prefix: 24 },
      { device: 'eth2', address: '198.18.102.162', prefix: 24 },
    ]);
    expect(observed.rules.filter((r) => r.protocol === 73)).toHaveLength(5);
    expect(observed.rules.find((r) => r.priority === 1000)).toMatchObject({ table: 254, suppressPrefixlength: 0, extra: [] });
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
      { table: 254, type: 'unicast', dst: 'default', metric: 0, protocol: 0, scope: 0, onlink: false, nexthops: [], metrics: {} },
    ]);
  });

  it('reports output that is not JSON', () => {
    expect(() => parseRules('Error: something')).toThrow(ParseError);
    expect(() => parseRules('{"priority":1}')).toThrow('ip rule: expected a JSON array');
    expect(parseRules('')).toEqual([]);
  });
});
