// Which uplink a line of `ip -o monitor link address` (captured, test/fixtures/monitor) is about.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concerns, deviceOfEvent } from '../../../src/kernel/monitor.js';

const LINES = readFileSync('test/fixtures/monitor/ip-o-monitor-link-address.txt', 'utf8').split('\n').filter((l) => l !== '');

describe('link and address events', () => {
  it('names the uplink of every link and address event, and nothing else', () => {
    expect(LINES.map((l) => deviceOfEvent(l, ['eth1']) ?? '-')).toEqual(['eth1', 'eth1', '-', 'eth1', '-', '-', 'eth1', 'eth1', 'eth1', 'eth1']);
    expect(LINES.map((l) => deviceOfEvent(l, ['eth1p']) ?? '-')).toEqual(['-', '-', 'eth1p', '-', 'eth1p', 'eth1p', '-', '-', '-', '-']);
    expect(deviceOfEvent('3: eth10: <BROADCAST> mtu 1500', ['eth1'])).toBeUndefined();
  });

  it('names uplink-lb itself for a change of its own rules and routes (captured: ip -o monitor route rule)', () => {
    const lines = readFileSync('test/fixtures/monitor/ip-o-monitor-route-rule.txt', 'utf8').split('\n').filter((l) => l !== '');
    expect(lines.map((l) => concerns(l, ['eth1']) ?? '-')).toEqual(['uplink-lb', 'uplink-lb', 'uplink-lb', 'uplink-lb']);
    expect(lines.map((l) => concerns(l, ['eth2']))).toEqual(['eth2', 'eth2', 'uplink-lb', 'uplink-lb']);
    expect(concerns('default via 192.168.1.1 dev wlan0 proto dhcp metric 600', ['eth1'])).toBeUndefined();
  });
});
