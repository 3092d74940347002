// Each ISP's resolvers go through that ISP's uplink: the resolvers a DHCP client announced
// (its lease record) become strict pins ahead of the user's pins and policies, refused while
// their uplink cannot carry them; one that several uplinks announce is left to the route.
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { buildStatus, formatStatus } from '../../../src/report/status.js';
import { planTowards } from '../../../src/plan/diff.js';
import { EMPTY_RECORD } from '../../../src/state/health.js';
import { formatMetrics } from '../../../src/report/metrics.js';
import { parseLease } from '../../../src/state/lease.js';
import { configFrom, leasesWith, observedAt } from '../helpers.js';

const observed = observedAt('applied-2');
const DEVICES = 'IFACE_DEVICE=( eth1 eth2 )\n';

const chainOf = (text: string, name: string): string[] => (text.split(`  chain ${name} {\n`)[1]?.split('\n  }')[0] ?? '').split('\n').map((l) => l.trim());
const want = (text: string, resolvers: Record<string, string[]>, drained: string[] = []) =>
  desired(configFrom(text), observed, { leases: leasesWith(resolvers), nft: true, drained: new Set(drained) });

describe('resolver pins', () => {
  it("send each ISP's resolvers through its uplink, forwarded or from the router, ahead of the user's pins", () => {
    const text = want(`${DEVICES}PIN=( "192.0.2.0/24 eth1" )\n`, { eth1: ['192.0.2.51'], eth2: ['192.0.2.52', '192.0.2.62'] }).target.nft?.text ?? '';
    const rules = [
      'ip daddr 192.0.2.51/32 meta mark set 0x97 ct mark set meta mark accept',
      'ip daddr 192.0.2.52/32 meta mark set 0x98 ct mark set meta mark accept',
      'ip daddr 192.0.2.62/32 meta mark set 0x98 ct mark set meta mark accept',
      'ip daddr 192.0.2.0/24 meta mark set 0x97 ct mark set meta mark accept',
    ];
    expect(chainOf(text, 'policies_in')).toEqual(rules);
    expect(chainOf(text, 'policies_out')).toEqual(rules);
  });

  it('refuse a query at once while its uplink cannot carry it, rather than send it through an ISP that drops it', () => {
    const text = want(DEVICES, { eth1: ['192.0.2.51'], eth2: ['192.0.2.52'] }, ['eth2']).target.nft?.text ?? '';
    expect(text).toContain('    ip daddr 192.0.2.52/32 meta l4proto tcp reject with tcp reset\n    ip daddr 192.0.2.52/32 reject with icmp type admin-prohibited\n');
    expect(text).toContain('ip daddr 192.0.2.51/32 meta mark set 0x97');
  });

  it('leave a resolver that several uplinks announce (a public one) to the route, and need connection pinning', () => {
    const text = want(DEVICES, { eth1: ['192.0.2.51', '198.51.100.53'], eth2: ['198.51.100.53'] }).target.nft?.text ?? '';
    expect(chainOf(text, 'policies_out')).toEqual(['ip daddr 192.0.2.51/32 meta mark set 0x97 ct mark set meta mark accept']);
    expect(want(`${DEVICES}CONNECTION_PINNING=no\n`, { eth1: ['192.0.2.51'] }).policies).toEqual([]);
    // no resolver announced: no policy chain at all
    expect(want(DEVICES, {}).target.nft?.text).not.toContain('policies_');
  });

  it('show in status and the metrics, one series per resolver', () => {
    const config = configFrom(DEVICES);
    const wanted = want(DEVICES, { eth1: ['192.0.2.51'], eth2: ['192.0.2.52', '192.0.2.62'] }, ['eth2']);
    const report = buildStatus(config, observed, wanted, planTowards(wanted, observed, undefined), EMPTY_RECORD, { pinning: true, pinned: new Map(), now: 0, transitions: [] });
    expect(formatStatus(report)).toContain(
      '  RESOLVER[192.0.2.51] "resolver 192.0.2.51 of eth1\'s DHCP client (dhclient)": eth1\n  RESOLVER[192.0.2.52] "resolver 192.0.2.52 of eth2\'s DHCP client (dhclient)": refused (strict): no uplink of it is usable\n',
    );
    const metrics = formatMetrics(wanted, { health: EMPTY_RECORD, lastApply: undefined, pinned: new Map() });
    expect(metrics).toContain('uplink_lb_policy_tier{policy="RESOLVER[192.0.2.51]"} 1\n');
    expect(metrics).toContain('uplink_lb_policy_tier{policy="RESOLVER[192.0.2.62]"}');
  });

  it('are recorded from the lease, and a record with a resolver that is not an address is not trusted', () => {
    const lease = { device: 'eth1', address: '198.18.101.163', gateway: '198.18.101.1', reason: 'BOUND', source: 'dhclient' };
    expect(parseLease('eth1', JSON.stringify({ ...lease, resolvers: ['192.0.2.51'] }))).toEqual({ value: { ...lease, resolvers: ['192.0.2.51'] } });
    expect(parseLease('eth1', JSON.stringify({ ...lease, resolvers: ['$(reboot)'] }))).toHaveProperty('problem');
  });
});
