// Which uplink a line of `ip -o monitor link address` (captured, test/fixtures/monitor) is about.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deviceOfEvent } from '../../../src/kernel/monitor.js';

const LINES = readFileSync('test/fixtures/monitor/ip-o-monitor-link-address.txt', 'utf8').split('\n').filter((l) => l !== '');

describe('link and address events', () => {
  it('names the uplink of every link and address event, and nothing else', () => {
    expect(LINES.map((l) => deviceOfEvent(l, ['eth1']) ?? '-')).toEqual(['eth1', 'eth1', '-', 'eth1', '-', '-', 'eth1', 'eth1', 'eth1', 'eth1']);
    expect(LINES.map((l) => deviceOfEvent(l, ['eth1p']) ?? '-')).toEqual(['-', '-', 'eth1p', '-', 'eth1p', 'eth1p', '-', '-', '-', '-']);
    expect(deviceOfEvent('3: eth10: <BROADCAST> mtu 1500', ['eth1'])).toBeUndefined();
  });
});
