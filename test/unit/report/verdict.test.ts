// status's first line and exit code, on kernel states captured on the rig.
import { describe, expect, it } from 'vitest';
import type { Observed } from '../../../src/kernel/types.js';
import { desired } from '../../../src/plan/desired.js';
import { verdictOf } from '../../../src/report/verdict.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const FRESH = { lastCheck: NOW - 1000, now: NOW, staleAfterMs: 300_000 };

const verdict = (state: string, options: { drained?: string[]; observed?: Observed; leases?: boolean; facts?: typeof FRESH } = {}) => {
  const observed = options.observed ?? observedAt(state);
  const want = desired(configFrom(TWO), observed, { leases: options.leases === false ? new Map() : leasesAt(state), drained: new Set(options.drained ?? []) });
  return verdictOf(want, observed, options.facts ?? FRESH);
};

describe('status verdict', () => {
  it('balancing over both uplinks, or over the one left', () => {
    expect(verdict('applied-2')).toEqual({ balancing: true, inRoute: ['eth1', 'eth2'], uplinks: 2, text: 'balancing over 2 of 2 uplinks (eth1, eth2)' });
    expect(verdict('eth1-down').text).toBe('balancing over 1 of 2 uplinks (eth2)');
  });

  it('not balancing when no uplink has a gateway, naming why for each', () => {
    const v = verdict('dhcpcd-bound', { observed: { ...observedAt('dhcpcd-bound'), routes: [] }, leases: false });
    expect(v.reason).toBe('no-usable-uplink');
    expect(v.text).toMatch(/^not balancing: no uplink is usable \(eth1: no gateway: .*; eth2: no gateway: /);
  });

  it('not balancing when uplink-lb\'s route is missing, or a foreign default route wins', () => {
    expect(verdict('bound-fresh').reason).toBe('route-missing');
    const applied = observedAt('applied-2');
    const foreign = { ...applied, routes: [...applied.routes, { table: 254, type: 'unicast' as const, dst: 'default', metric: 0, protocol: 3, scope: 0, gateway: '198.18.101.1', dev: 'eth1', onlink: false, metrics: {} }] };
    const v = verdict('applied-2', { observed: foreign });
    expect(v).toMatchObject({ balancing: false, reason: 'foreign-route-wins' });
    expect(v.text).toContain('default via 198.18.101.1 dev eth1 metric 0 proto 3');
  });

  it('not balancing by health in fail open, or when the health check stopped', () => {
    expect(verdict('applied-2', { drained: ['eth1', 'eth2'] })).toMatchObject({ balancing: false, reason: 'fail-open', inRoute: ['eth1', 'eth2'] });
    const stale = verdict('applied-2', { facts: { ...FRESH, lastCheck: NOW - 12 * 60_000 } });
    expect(stale).toMatchObject({ balancing: false, reason: 'check-stopped' });
    expect(stale.text).toContain('last ran 12 min ago');
    // never run yet (a fresh install before cron's first minute): balancing
    expect(verdict('applied-2', { facts: { ...FRESH, lastCheck: 0 } }).balancing).toBe(true);
  });
});
