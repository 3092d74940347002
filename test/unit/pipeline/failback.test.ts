// IFACE_FAILBACK_RELEASE: the connections still pinned to a standby uplink are released that
// many seconds after a better tier came back, once; 0 keeps them.
import { describe, expect, it } from 'vitest';
import { standbyDue } from '../../../src/pipeline/failback.js';
import { initialHealth, type UplinkHealth } from '../../../src/health/machine.js';
import { desired } from '../../../src/plan/desired.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

const observed = observedAt('applied-2');
const leases = leasesAt('applied-2');
const statesOf = (release: string, drained: string[] = []) =>
  desired(configFrom(`IFACE_DEVICE=( eth1 eth2 )\nIFACE_TIER=( 1 2 )\nIFACE_FAILBACK_RELEASE=( 0 ${release} )\n`), observed, { leases, drained: new Set(drained) }).uplinks;

describe('failback release', () => {
  it('counts from the moment the uplink went on standby, releases once, and forgets when it carries traffic again', () => {
    const health: Record<string, UplinkHealth> = { eth1: initialHealth(0), eth2: initialHealth(0) };
    const standby = statesOf('300');
    expect(standbyDue(standby, health, 1_000)).toEqual([]);
    expect(health.eth2?.standbySince).toBe(1_000);
    expect(standbyDue(standby, health, 300_999)).toEqual([]);
    expect(standbyDue(standby, health, 301_000).map((s) => s.uplink.device)).toEqual(['eth2']);
    expect(standbyDue(standby, health, 400_000)).toEqual([]);
    // tier 1 fails: eth2 carries traffic, and its next standby counts afresh
    expect(standbyDue(statesOf('300', ['eth1']), health, 500_000)).toEqual([]);
    expect(health.eth2?.standbySince).toBeUndefined();
    expect(standbyDue(standby, health, 600_000)).toEqual([]);
    expect(health.eth2?.standbySince).toBe(600_000);
  });

  it('keeps the connections with 0', () => {
    const health: Record<string, UplinkHealth> = { eth1: initialHealth(0), eth2: initialHealth(0) };
    expect(standbyDue(statesOf('0'), health, 0)).toEqual([]);
    expect(standbyDue(statesOf('0'), health, 10_000_000)).toEqual([]);
  });
});
