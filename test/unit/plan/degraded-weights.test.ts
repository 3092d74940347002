// A degraded uplink keeps a share of its weight in the balanced route (CHECK_DEGRADED=weight).
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

const observed = observedAt('applied-2');
const leases = leasesAt('applied-2');
const hops = (weights: string, factors: [string, number][]): [string | undefined, number | undefined][] => {
  const config = configFrom(`IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( ${weights} )\n`);
  const route = desired(config, observed, { leases, factors: new Map(factors) }).target.mainDefault;
  return (route?.nexthops ?? []).map((h) => [h.dev, h.weight]);
};

describe('degraded weights', () => {
  it('leaves the configured weights alone while no uplink is degraded', () => {
    expect(hops('2 1', [])).toEqual([['eth1', 2], ['eth2', 1]]);
  });

  it('scales every weight by 4 so that a quarter of weight 1 still counts', () => {
    expect(hops('1 1', [['eth2', 0.25]])).toEqual([['eth1', 4], ['eth2', 1]]);
    expect(hops('2 1', [['eth1', 0.5]])).toEqual([['eth1', 4], ['eth2', 4]]);
  });

  it('stays within the kernel\'s 256', () => {
    expect(hops('200 100', [['eth2', 0.5]])).toEqual([['eth1', 200], ['eth2', 50]]);
    expect(hops('256 1', [['eth2', 0.25]])).toEqual([['eth1', 256], ['eth2', 1]]);
  });

  it('tells each uplink its weight in the route', () => {
    const config = configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n');
    const states = desired(config, observed, { leases, factors: new Map([['eth1', 0.5]]) }).uplinks;
    expect(states.map((s) => s.routeWeight)).toEqual([4, 4]);
  });
});
