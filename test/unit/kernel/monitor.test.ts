// Which uplink a line of `ip -o monitor link address` (captured, test/fixtures/monitor) is about.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AddressMemory, concerns, concernsNft, deviceOfEvent, needOf } from '../../../src/kernel/monitor.js';

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

  it("drops an address told again with new lifetimes only (a renewal, a router advertisement's refresh), and passes a new address, new flags and a deletion", () => {
    const renewals = readFileSync('test/fixtures/monitor/ip-o-monitor-renewal.txt', 'utf8').split('\n').filter((l) => l !== '');
    const memory = new AddressMemory();
    // the first word of each address passes; the same addresses with other lifetimes do not
    expect(renewals.map((l) => memory.repeats(l))).toEqual([false, false]);
    expect(renewals.map((l) => memory.repeats(l.replace('valid_lft 600sec preferred_lft 600sec', 'valid_lft 599sec preferred_lft 599sec')))).toEqual([true, true]);
    const slaac = '3: eth1    inet6 2001:db8:1::5efe/64 scope global dynamic mngtmpaddr \\       valid_lft 86400sec preferred_lft 14400sec';
    expect(memory.repeats(slaac)).toBe(false);
    expect(memory.repeats(slaac.replace('86400sec preferred_lft 14400sec', '86396sec preferred_lft 14396sec'))).toBe(true);
    // deprecated (preferred lifetime 0): a flag, so it passes, and so does its end
    const deprecated = '3: eth1    inet6 2001:db8:1::5efe/64 scope global deprecated dynamic mngtmpaddr \\       valid_lft 86400sec preferred_lft 0sec';
    expect(memory.repeats(deprecated)).toBe(false);
    expect(memory.repeats(slaac)).toBe(false);
    // the link-and-address capture: no line repeats (links pass, a deletion forgets the address)
    expect(LINES.map((l) => memory.repeats(l))).toEqual(LINES.map(() => false));
    const added = LINES[3] ?? '';
    expect(memory.repeats(added)).toBe(false); // deleted in between (line 9): told anew
    expect(memory.repeats(added)).toBe(true);
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
