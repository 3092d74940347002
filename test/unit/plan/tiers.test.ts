// Failover tiers: the default route holds the usable uplinks of the lowest tier that has any.
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { verdictOf } from '../../../src/report/verdict.js';
import { configFrom, leasesAt, observedAt, problemsOf } from '../helpers.js';

const observed = observedAt('applied-2');
const leases = leasesAt('applied-2');
const TIERED = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nIFACE_TIER=( 1 2 )\nPIN=( "198.51.100.7/32 eth2" )\n';
const hops = (drained: string[], text = TIERED): string[] => {
  const route = desired(configFrom(text), observed, { leases, drained: new Set(drained) }).target.mainDefault;
  return route?.nexthops?.map((h) => h.dev) ?? (route?.dev ? [route.dev] : []);
};

describe('failover tiers', () => {
  it('keeps the tier-2 uplink out of the route while a tier-1 uplink is usable, and uses it when none is', () => {
    expect(hops([])).toEqual(['eth1']);
    expect(hops(['eth1'])).toEqual(['eth2']);
    // without tiers both share the route
    expect(hops([], 'IFACE_DEVICE=( eth1 eth2 )\n')).toEqual(['eth1', 'eth2']);
  });

  it('says which uplinks wait on standby', () => {
    const want = desired(configFrom(TIERED), observed, { leases });
    expect(want.uplinks.map((s) => [s.uplink.device, s.inRoute, s.standby === true])).toEqual([['eth1', true, false], ['eth2', false, true]]);
    expect(verdictOf(want, observed, { lastCheck: 0, now: 0, staleAfterMs: 1 }).text).toBe('balancing over 2 of 2 uplinks (eth1, eth2); on standby: eth2 (tier 2)');
  });

  it('fails open within the lowest tier that has carrier', () => {
    const want = desired(configFrom(TIERED), observed, { leases, drained: new Set(['eth1', 'eth2']) });
    expect(want.failOpen).toBe(true);
    expect(want.uplinks.filter((s) => s.inRoute).map((s) => s.uplink.device)).toEqual(['eth1']);
  });

  it('still sends a pinned destination through a standby uplink', () => {
    const ruleset = desired(configFrom(TIERED), observed, { leases, nft: true }).target.nft?.text ?? '';
    expect(ruleset).toContain('ip daddr 198.51.100.7/32 meta mark set 0x98 ct mark set meta mark accept');
  });

  it('refuses a tier outside 1 to 9, with its line', () => {
    expect(problemsOf('IFACE_DEVICE=( eth1 eth2 )\nIFACE_TIER=( 1 0 )\n')).toEqual(['test.conf:2: IFACE_TIER[1]: "0" is not a tier from 1 to 9 (1 is used first)']);
  });
});
