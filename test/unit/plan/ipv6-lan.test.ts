// IPv6 native mode's LAN prefixes, planned on the dual-stack states captured on the rig: a /64 of
// each uplink's delegated prefix on each LAN named, preferred while the uplink carries new
// connections, deprecated while it does not, removed (only if uplink-lb added it) when its
// delegation ends.
import { describe, expect, it } from 'vitest';
import { subnet64 } from '../../../src/config/ipv6.js';
import { desired, type DesiredInputs } from '../../../src/plan/desired.js';
import { diff } from '../../../src/plan/diff.js';
import { renderPlan } from '../../../src/plan/render.js';
import type { Observed } from '../../../src/kernel/types.js';
import { configFrom, delegationsAt, leasesAt, observedAt } from '../helpers.js';

const LAN = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nIPV6_LAN=( lan0 )\n';
const inputs = (more: Partial<DesiredInputs> = {}): DesiredInputs => ({ leases: leasesAt('dual-applied'), delegated: delegationsAt('dual-applied'), ...more });
const lines = (text: string, observed: Observed, more: Partial<DesiredInputs> = {}): string[][] =>
  renderPlan(diff(desired(configFrom(text), observed, inputs(more)), observed)).ip.map((s) => [s.family, ...s.lines]);

/** The captured router with addresses added on lan0 (as the kernel lists them). */
function withLan(observed: Observed, addresses: { address: string; deprecated?: boolean }[]): Observed {
  const six = observed.inet6 as Observed;
  return { ...observed, inet6: { ...six, addresses: [...six.addresses, ...addresses.map((a) => ({ device: 'lan0', prefix: 64, ...a }))] } };
}

describe('IPv6 LAN prefixes', () => {
  it('takes the n-th /64 of a delegated prefix, and none past its end', () => {
    expect(subnet64('2001:db8:1:100::', 56, 0)).toEqual({ network: '2001:db8:1:100::', router: '2001:db8:1:100::1' });
    expect(subnet64('2001:db8:1:100::', 56, 255)).toEqual({ network: '2001:db8:1:1ff::', router: '2001:db8:1:1ff::1' });
    expect(subnet64('2001:db8:1:100::', 56, 256)).toBeUndefined();
    expect(subnet64('2001:db8:1:1::', 64, 0)).toEqual({ network: '2001:db8:1:1::', router: '2001:db8:1:1::1' });
    expect(subnet64('2001:db8:1:1::', 64, 1)).toBeUndefined();
    expect(subnet64('2001:db8:1:1::', 80, 0)).toBeUndefined();
  });

  it('puts a preferred /64 of each uplink\'s prefix on the LAN, before the rules', () => {
    const plan = lines(LAN, observedAt('dual-applied'));
    expect(plan).toEqual([['inet6', 'address replace 2001:db8:1:100::1/64 dev lan0 preferred_lft forever valid_lft forever', 'address replace 2001:db8:2:100::1/64 dev lan0 preferred_lft forever valid_lft forever']]);
  });

  it('deprecates a drained uplink\'s prefix, and nothing else changes for IPv6 but the route', () => {
    const observed = withLan(observedAt('dual-applied'), [{ address: '2001:db8:1:100::1' }, { address: '2001:db8:2:100::1' }]);
    const plan = lines(LAN, observed, { drained: new Set(['eth1']) });
    expect(plan[1]).toEqual([
      'inet6',
      'address replace 2001:db8:1:100::1/64 dev lan0 preferred_lft 0 valid_lft forever',
      'route replace default table 254 metric 10 proto 73 via fe80::ff:fe00:201 dev eth2',
    ]);
    // and back once the uplink is healthy again
    const deprecated = withLan(observedAt('dual-applied'), [{ address: '2001:db8:1:100::1', deprecated: true }, { address: '2001:db8:2:100::1' }]);
    expect(lines(LAN, deprecated)).toEqual([['inet6', 'address replace 2001:db8:1:100::1/64 dev lan0 preferred_lft forever valid_lft forever']]);
  });

  it("keeps a higher tier's prefix deprecated while a lower tier carries traffic", () => {
    const plan = lines(`${LAN}IFACE_TIER=( 1 2 )\n`, observedAt('dual-applied'));
    expect(plan[1]?.slice(1, 3)).toEqual(['address replace 2001:db8:1:100::1/64 dev lan0 preferred_lft forever valid_lft forever', 'address replace 2001:db8:2:100::1/64 dev lan0 preferred_lft 0 valid_lft forever']);
  });

  it('removes an address it added when the delegation ends, never one it did not add', () => {
    const observed = withLan(observedAt('dual-applied'), [{ address: '2001:db8:1:100::1' }, { address: '2001:db8:2:100::1' }, { address: '2001:db8:9:100::1' }]);
    const ended = new Map([['eth1', ['2001:db8:1:100::/56']]]);
    // eth2's delegation ended: its address goes, as it is uplink-lb's; 2001:db8:9:100::1 is not
    expect(lines(LAN, observed, { delegated: ended, ownedLan: ['2001:db8:1:100::1/64 dev lan0', '2001:db8:2:100::1/64 dev lan0'] })).toEqual([
      ['inet6', 'rule del priority 1002 from 2001:db8:2:100::/56 lookup 202 protocol 73', 'address del 2001:db8:2:100::1/64 dev lan0'],
    ]);
    // without the record, nothing is removed: the address may be the administrator's
    expect(lines(LAN, observed, { delegated: ended })).toEqual([['inet6', 'rule del priority 1002 from 2001:db8:2:100::/56 lookup 202 protocol 73']]);
  });

  it('owns what it is about to add, so that a rollback takes it away again', () => {
    const want = desired(configFrom(LAN), observedAt('dual-applied'), inputs());
    expect(want.scope.ownedAddresses).toEqual(['2001:db8:1:100::1/64 dev lan0', '2001:db8:2:100::1/64 dev lan0']);
  });

  it('says when a delegated prefix is too small for the LANs named', () => {
    const want = desired(configFrom('IFACE_DEVICE=( eth1 eth2 )\nIPV6_LAN=( lan0 lan1 )\n'), observedAt('dual-applied'), inputs({ delegated: new Map([['eth1', ['2001:db8:1:100::/64']]]) }));
    expect(want.lanProblems).toEqual(['eth1: the delegated prefix 2001:db8:1:100::/64 has no 2nd /64 for lan1 (IPV6_LAN names 2)']);
    expect(want.target.inet6?.addresses?.map((a) => `${a.device} ${a.address}`)).toEqual(['lan0 2001:db8:1:100::1']);
  });

  it('refuses a LAN that is an uplink, twice named, or without native mode', () => {
    const problems = (text: string): string[] => {
      try {
        configFrom(text);
        return [];
      } catch (err) {
        return [(err as Error).message];
      }
    };
    expect(problems('IFACE_DEVICE=( eth1 )\nIPV6_LAN=( eth1 )\n')[0]).toContain('IPV6_LAN[0]: \\"eth1\\" is an uplink (IFACE_DEVICE), not a LAN');
    expect(problems('IFACE_DEVICE=( eth1 )\nIPV6_LAN=( lan0 lan0 )\n')[0]).toContain('IPV6_LAN[1]: \\"lan0\\" is named twice');
    expect(problems('IFACE_DEVICE=( eth1 )\nIPV6_LAN=( lan0 )\nIPV6_MODE=off\n')[0]).toContain("IPV6_LAN: a /64 of each uplink's prefix on the LAN is native mode's (IPV6_MODE is off)");
    expect(problems('IFACE_DEVICE=( eth1 )\nIPV6_LAN=( lan0 )\nIPV6_MODE=translated\nIPV6_LAN_PREFIX=fd00:1::/64\n')[0]).toContain("IPV6_LAN: a /64 of each uplink's prefix on the LAN is native mode's (IPV6_MODE is translated: the LAN keeps IPV6_LAN_PREFIX)");
  });
});
