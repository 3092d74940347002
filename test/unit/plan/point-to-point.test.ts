// A PPPoE uplink (ppp0, point to point: routes by device, no gateway) beside a DHCP uplink, from
// kernel states captured in the PPPoE test machine (scripts/vm/capture-ppp-fixtures.sh):
// ppp-bound before uplink-lb was configured (dhclient's own default route on eth2), ppp-applied
// after `uplink-lb apply`.
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { diff } from '../../../src/plan/diff.js';
import { probePlans } from '../../../src/health/evaluate.js';
import { parseRoutes } from '../../../src/kernel/parse.js';
import type { Observed } from '../../../src/kernel/types.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

const CONFIG = 'IFACE_DEVICE=( ppp0 eth2 )\n';
const commands = (config: string, observed: Observed, leases = leasesAt('ppp-applied')): string[] => diff(desired(configFrom(config), observed, { leases }), observed).changes.map((c) => c.command);

describe('a point-to-point uplink (ppp0 from pppd) beside a DHCP uplink', () => {
  const bound = observedAt('ppp-bound');

  it('reads ppp0 as point to point, with its peer, and needs no gateway for it', () => {
    expect(bound.links.find((l) => l.name === 'ppp0')).toEqual({ name: 'ppp0', up: true, carrier: true, pointToPoint: true });
    expect(bound.addresses.find((a) => a.device === 'ppp0')).toEqual({ device: 'ppp0', address: '100.64.0.10', prefix: 32, peer: '100.64.0.1' });
    const [ppp, eth] = desired(configFrom(CONFIG), bound, { leases: new Map() }).uplinks;
    expect(ppp).toMatchObject({ status: 'up', address: '100.64.0.10', prefix: 32, pointToPoint: true, peer: '100.64.0.1', inRoute: true });
    expect(ppp?.gateway).toBeUndefined();
    expect(eth).toMatchObject({ status: 'up', gateway: '192.0.2.1', gatewaySource: 'route' });
  });

  it('routes ppp0 by device: its table, its rules by address and mark, a nexthop without gateway; takes dhclient route over', () => {
    expect(commands(CONFIG, bound, new Map())).toEqual([
      'route replace default table 201 metric 0 proto 73 scope 253 dev ppp0',
      'route replace prohibit default table 201 metric 4000000000 proto 73',
      'route replace 192.0.2.0/24 table 202 metric 0 proto 73 scope 253 dev eth2 src 192.0.2.59',
      'route replace default table 202 metric 0 proto 73 via 192.0.2.1 dev eth2',
      'route replace prohibit default table 202 metric 4000000000 proto 73',
      'rule add priority 999 lookup 254 suppress_prefixlength 0 protocol 73',
      'rule add priority 1000 fwmark 0x97 lookup 201 protocol 73',
      'rule add priority 1000 fwmark 0x98 lookup 202 protocol 73',
      'rule add priority 1001 from 100.64.0.10/32 lookup 201 protocol 73',
      'rule add priority 1002 from 192.0.2.59/32 lookup 202 protocol 73',
      'route replace default table 254 metric 10 proto 73 nexthop dev ppp0 weight 1 nexthop via 192.0.2.1 dev eth2 weight 1',
      'route del default via 192.0.2.1 dev eth2 table 254 metric 0',
    ]);
  });

  it('reads back what it applied as it rendered it: nothing to change', () => {
    expect(commands(CONFIG, observedAt('ppp-applied'))).toEqual([]);
  });

  it('probes the peer when no target is configured, from the address pppd got', () => {
    const plans = probePlans(desired(configFrom(CONFIG), bound, { leases: new Map() }).uplinks);
    expect(plans.map((p) => `${p.device} ${p.source} ${p.targets.join(',')}`)).toEqual(['ppp0 100.64.0.10 100.64.0.1', 'eth2 192.0.2.59 192.0.2.1']);
  });

  it('ppp0 alone: the default route by device, in link scope as the kernel keeps it', () => {
    const onlyPpp: Observed = { ...observedAt('ppp-applied'), links: observedAt('ppp-applied').links.map((l) => (l.name === 'eth2' ? { ...l, up: false } : l)) };
    expect(commands(CONFIG, onlyPpp)).toContain('route replace default table 254 metric 10 proto 73 scope 253 dev ppp0');
  });

  it("takes pppd's own default route (`defaultroute`, by device at metric 0) over", () => {
    const withPppd: Observed = { ...bound, routes: [...bound.routes, ...parseRoutes('[{"dst":"default","dev":"ppp0","scope":"253","flags":[]}]')] };
    expect(commands(CONFIG, withPppd, new Map())).toContain('route del default dev ppp0 table 254 metric 0');
  });

  it('accepts the peer as a configured gateway (routes by it then), and refuses a gateway elsewhere', () => {
    const [viaPeer] = desired(configFrom('IFACE_DEVICE=( ppp0 eth2 )\nIFACE_GWS=( 100.64.0.1 auto )\n'), bound, { leases: new Map() }).uplinks;
    expect(viaPeer).toMatchObject({ status: 'up', gateway: '100.64.0.1' });
    const [elsewhere] = desired(configFrom('IFACE_DEVICE=( ppp0 eth2 )\nIFACE_GWS=( 100.64.0.99 auto )\n'), bound, { leases: new Map() }).uplinks;
    expect(elsewhere).toMatchObject({ status: 'unconfigured' });
  });
});
