// Which uplink a line of `ip -o monitor link address` (captured, test/fixtures/monitor) is about.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concerns, concernsNft, deviceOfEvent, needOf } from '../../../src/kernel/monitor.js';

const LINES = readFileSync('test/fixtures/monitor/ip-o-monitor-link-address.txt', 'utf8').split('\n').filter((l) => l !== '');

describe('link and address events', () => {
  it('names the uplink of every link and address event, and nothing else', () => {
    expect(LINES.map((l) => deviceOfEvent(l, ['eth1']) ?? '-')).toEqual(['eth1', 'eth1', '-', 'eth1', '-', '-', 'eth1', 'eth1', 'eth1', 'eth1']);
    expect(LINES.map((l) => deviceOfEvent(l, ['eth1p']) ?? '-')).toEqual(['-', '-', 'eth1p', '-', 'eth1p', 'eth1p', '-', '-', '-', '-']);
    expect(deviceOfEvent('3: eth10: <BROADCAST> mtu 1500', ['eth1'])).toBeUndefined();
  });

  it('asks only for a look at the interfaces when an address is added or renewed, and for a verify at anything else', () => {
    // dhclient renewing both rig uplinks' leases (captured: the addresses' new lifetimes)
    const renewals = readFileSync('test/fixtures/monitor/ip-o-monitor-renewal.txt', 'utf8').split('\n').filter((l) => l !== '');
    expect(renewals.map(needOf)).toEqual(['observe', 'observe']);
    // links up and down, an address added, addresses deleted (the kernel drops routes silently then)
    expect(LINES.map(needOf)).toEqual(['verify', 'verify', 'verify', 'observe', 'verify', 'verify', 'verify', 'verify', 'verify', 'verify']);
    const routes = readFileSync('test/fixtures/monitor/ip-o-monitor-route-rule.txt', 'utf8').split('\n').filter((l) => l !== '');
    expect(routes.map(needOf).every((n) => n === 'verify')).toBe(true);
  });

  it('names uplink-lb itself for a change of its own rules and routes (captured: ip -o monitor route rule)', () => {
    const lines = readFileSync('test/fixtures/monitor/ip-o-monitor-route-rule.txt', 'utf8').split('\n').filter((l) => l !== '');
    expect(lines.map((l) => concerns(l, ['eth1']) ?? '-')).toEqual(['uplink-lb', 'uplink-lb', 'uplink-lb', 'uplink-lb']);
    expect(lines.map((l) => concerns(l, ['eth2']))).toEqual(['eth2', 'eth2', 'uplink-lb', 'uplink-lb']);
    expect(concerns('default via 192.168.1.1 dev wlan0 proto dhcp metric 600', ['eth1'])).toBeUndefined();
  });

  it("names a change of uplink-lb's own nftables table, and of no other (captured: nft monitor during a table of another name, then nft flush ruleset and the ruleset put back)", () => {
    const lines = readFileSync('test/fixtures/monitor/nft-monitor.txt', 'utf8').split('\n').filter((l) => l !== '');
    const ours = lines.filter(concernsNft);
    // the flush deleted every rule, set and chain of the table and the table itself; putting it back added them
    expect(ours.filter((l) => l.startsWith('delete '))).toHaveLength(14);
    expect(ours).toContain('delete table inet uplink_lb');
    expect(ours).toContain('add table inet uplink_lb');
    // uplink_lb_x, rig_nat and nft's generation comments are someone else's
    expect(lines.filter((l) => l.includes('uplink_lb_x') || l.includes('rig_nat') || l.startsWith('#')).some(concernsNft)).toBe(false);
    expect(ours.length).toBeGreaterThan(20);
  });
});
