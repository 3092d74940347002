// Uplinks drained for maintenance: out of the route while another uplink is up, whatever the
// health record says; status says so and until when.
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { buildStatus, formatStatus } from '../../../src/report/status.js';
import { planTowards } from '../../../src/plan/diff.js';
import { EMPTY_RECORD } from '../../../src/state/health.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

const observed = observedAt('applied-2');
const leases = leasesAt('applied-2');
const config = configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nPIN=( "198.51.100.7/32 eth1" )\n');
const drainedAt = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('maintenance drains', () => {
  it('keep the uplink out of the route and its pins on the default route', () => {
    const want = desired(config, observed, { leases, nft: true, maintenance: new Map([['eth1', { since: drainedAt, deadline: drainedAt + 300_000 }]]) });
    expect(want.uplinks.map((s) => [s.uplink.device, s.inRoute])).toEqual([['eth1', false], ['eth2', true]]);
    expect(want.target.mainDefault?.dev).toBe('eth2');
    expect(want.target.nft?.text).toContain('ip daddr 198.51.100.7/32 accept');
    expect(want.target.nft?.text).not.toContain('ip daddr 198.51.100.7/32 meta mark');
    expect(want.failOpen).toBe(false);
  });

  it('give way when no other uplink is up: the drained one is the last resort', () => {
    const want = desired(config, observed, { leases, maintenance: new Map([['eth1', { since: 0 }], ['eth2', { since: 0 }]]) });
    expect(want.uplinks.filter((s) => s.inRoute).map((s) => s.uplink.device)).toEqual(['eth1', 'eth2']);
  });

  it('show in status as maintenance, with the deadline', () => {
    const want = desired(config, observed, { leases, maintenance: new Map([['eth1', { since: drainedAt, deadline: drainedAt + 300_000 }]]) });
    const report = buildStatus(config, observed, want, planTowards(want, observed, undefined), EMPTY_RECORD, { pinning: false, pinned: new Map(), now: drainedAt, transitions: [] });
    expect(report.uplinks[0]).toMatchObject({ health: 'maintenance', maintenance: { since: '2026-11-27T12:00:00.000Z', deadline: '2026-11-27T12:05:00.000Z', released: null } });
    // the kernel of the captured state still holds both: status says so, and exits 1
    expect(report.verdict.text).toBe('balancing over 2 of 2 uplinks (eth1, eth2); drained for maintenance: eth1');
    expect(report.exitCode).toBe(1);
    expect(formatStatus(report)).toContain('eth1: maintenance, not in the default route - drained by the administrator at 2026-11-27T12:00:00.000Z (uplink-lb undrain ends it); pinned connections kept until 2026-11-27T12:05:00.000Z');
  });
});
