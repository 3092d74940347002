// What a router of a pair does at each change of role, and what it offers keepalived.
import { describe, expect, it } from 'vitest';
import { roleSteps } from '../../../src/pair/role-steps.js';
import { roleFrom } from '../../../src/pair/notify-line.js';
import { trackWeight } from '../../../src/pair/track-weight.js';
import { desired } from '../../../src/plan/desired.js';
import { configFrom, delegationsAt, leasesAt, observedAt, problemsOf } from '../helpers.js';

const PAIR = 'IFACE_DEVICE=( eth1 eth2 eth3 )\nIFACE_WEI=( 2 1 1 )\nIFACE_HA=( shared shared active-only )\nHA_VRRP=uplink_lb\nHA_CONNTRACKD_CONF=/etc/conntrackd/conntrackd.conf\n';

describe("keepalived's words", () => {
  it('give a role only for the group HA_VRRP names, and only for the four states that are roles', () => {
    expect(roleFrom('GROUP "uplink_lb" MASTER', 'uplink_lb')).toBe('MASTER');
    expect(roleFrom('INSTANCE "uplink_lb" BACKUP 100', 'uplink_lb')).toBe('BACKUP');
    expect(roleFrom('GROUP "uplink_lb" FAULT 0', 'uplink_lb')).toBe('FAULT');
    expect(roleFrom('GROUP "other" MASTER', 'uplink_lb')).toBeUndefined();
    expect(roleFrom('INSTANCE "uplink_lb" MASTER_RX_LOWER_PRI 100', 'uplink_lb')).toBeUndefined();
    expect(roleFrom('GROUP uplink_lb MASTER', 'uplink_lb')).toBeUndefined();
  });
});

describe('a change of role', () => {
  const config = configFrom(PAIR);
  const argv = (role: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP', c = config): string[] => roleSteps(role, c).map((s) => s.argv.join(' '));

  it("master: conntrackd takes the synchronised connections and sends them all back, then the active-only uplinks come up", () => {
    expect(argv('MASTER')).toEqual([
      '/usr/sbin/conntrackd -C /etc/conntrackd/conntrackd.conf -R',
      '/usr/sbin/conntrackd -C /etc/conntrackd/conntrackd.conf -B',
      '/sbin/ifup eth3',
    ]);
  });

  it('backup: a full resync from the master, the active-only uplinks down; fault and stop: only those down (no flush of the replica)', () => {
    expect(argv('BACKUP')).toEqual(['/usr/sbin/conntrackd -C /etc/conntrackd/conntrackd.conf -n', '/sbin/ifdown eth3']);
    expect(argv('FAULT')).toEqual(['/sbin/ifdown eth3']);
    expect(argv('STOP')).toEqual(['/sbin/ifdown eth3']);
  });

  it('without conntrackd (HA_CONNTRACKD_CONF unset) and with every uplink shared, a change of role runs nothing', () => {
    const bare = configFrom('IFACE_DEVICE=( eth1 eth2 )\nHA_VRRP=uplink_lb\n');
    for (const role of ['MASTER', 'BACKUP', 'FAULT', 'STOP'] as const) expect(argv(role, bare)).toEqual([]);
  });
});

describe('the weight a router offers keepalived (track_file)', () => {
  // captured on the rig: eth1 and eth2 up with their leases (applied-2); eth3 absent
  const config = configFrom(PAIR);
  const uplinks = desired(config, observedAt('applied-2'), { leases: leasesAt('applied-2') }).uplinks;

  it('sums the weights of the working shared uplinks, leaving active-only ones out', () => {
    expect(uplinks.map((s) => `${s.uplink.device} ${s.status}`)).toEqual(['eth1 up', 'eth2 up', 'eth3 down']);
    expect(trackWeight(uplinks, new Set())).toBe(3);
    // an active-only uplink counts for neither router, up or not
    const eth3Up = uplinks.map((s) => (s.uplink.device === 'eth3' ? { ...s, status: 'up' as const } : s));
    expect(trackWeight(eth3Up, new Set())).toBe(3);
  });

  it('drops an uplink the health check drained, and never passes what keepalived takes (254)', () => {
    expect(trackWeight(uplinks, new Set(['eth1']))).toBe(1);
    expect(trackWeight(uplinks, new Set(['eth1', 'eth2']))).toBe(0);
    const heavy = desired(configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 200 100 )\nHA_VRRP=g\n'), observedAt('applied-2'), { leases: leasesAt('applied-2') }).uplinks;
    expect(trackWeight(heavy, new Set())).toBe(254);
  });

  it("counts a dual-stack uplink's weight once for each family that works: an IPv6 side judged on its own targets fails alone", () => {
    const text = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nHA_VRRP=g\nIPV6_MODE=translated\nIPV6_LAN_PREFIX=fd00:19:10::/64\nCONNECTION_PINNING=yes\n';
    const dual = (more: string) => desired(configFrom(text + more), observedAt('dual-applied'), { leases: leasesAt('dual-applied'), delegated: delegationsAt('dual-applied') }).uplinks;
    const withTargets = dual('CHECK_TARGETS=( 192.0.2.20 2001:db8:ff::20 )\n');
    expect(withTargets.map((s) => `${s.uplink.device} ${s.status} ${s.inet6?.status ?? 'no IPv6'}`)).toEqual(['eth1 up up', 'eth2 up up']);
    expect(trackWeight(withTargets, new Set())).toBe(6);
    expect(trackWeight(withTargets, new Set(['eth1/ipv6']))).toBe(4);
    expect(trackWeight(withTargets, new Set(['eth1']))).toBe(4);
    // without IPv6 targets of its own the IPv6 side follows its device: drained with it
    expect(trackWeight(dual(''), new Set(['eth1']))).toBe(2);
  });
});

describe('the configuration of a pair', () => {
  it('says where a value is wrong, and asks for HA_VRRP when a pair key comes without it', () => {
    expect(problemsOf('IFACE_DEVICE=( eth1 eth2 )\nHA_VRRP=uplink_lb\nIFACE_HA=( shared standby )\n')).toEqual(['test.conf:3: IFACE_HA[1]: "standby" is not shared (both routers have the line) or active-only (only the active router brings it up)']);
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nHA_VRRP="my group"\n')).toEqual(['test.conf:2: HA_VRRP: "my group" is not a keepalived group or instance name (letters, digits and _ . - only, as in keepalived.conf)']);
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nHA_VRRP=g\nHA_CONNTRACKD_CONF=conntrackd.conf\n')).toEqual(['test.conf:3: HA_CONNTRACKD_CONF: "conntrackd.conf" is not the absolute path of a file (letters, digits and _ . / + @ % = - only)']);
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nIFACE_HA=( active-only )\n')).toEqual(['test.conf:2: IFACE_HA is for a router of a pair: set HA_VRRP too (the keepalived sync group or instance whose state is this router\'s role)']);
  });

  it('defaults: not in a pair; in one, every uplink shared and the track file under the run directory', () => {
    expect(configFrom('IFACE_DEVICE=( eth1 )\n').ha).toBeUndefined();
    const c = configFrom('IFACE_DEVICE=( eth1 )\nHA_VRRP=uplink_lb\n');
    expect(c.ha).toEqual({ vrrp: 'uplink_lb', trackFile: '/run/uplink-lb/vrrp-track' });
    expect(c.uplinks[0]?.pairing).toBe('shared');
  });
});
