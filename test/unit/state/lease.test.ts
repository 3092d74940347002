// Lease records are written by the dhclient hook and read by every run: anything garbled,
// truncated or for another device is not trusted.
import { describe, expect, it } from 'vitest';
import { formatLease, parseLease } from '../../../src/state/lease.js';

const GOOD = { device: 'eth1', address: '198.18.101.163', gateway: '198.18.101.1', reason: 'BOUND', source: 'dhclient' as const };

describe('lease records', () => {
  it('reads back what it writes', () => {
    expect(parseLease('eth1', formatLease(GOOD))).toEqual({ value: GOOD });
  });

  it('reads a record written before `source` existed as the dhclient hook\'s', () => {
    const { source: _source, ...old } = GOOD;
    expect(parseLease('eth1', JSON.stringify(old))).toEqual({ value: GOOD });
  });

  it.each([
    ['truncated', formatLease(GOOD).slice(0, 30), 'is not valid JSON (truncated or garbled)'],
    ['empty', '', 'is not valid JSON (truncated or garbled)'],
    ['an array', '[1,2]', 'is not a JSON object'],
    ['null', 'null', 'is not a JSON object'],
    ['another device', formatLease({ ...GOOD, device: 'eth2' }), 'names device "eth2", not eth1'],
    ['a bad address', formatLease({ ...GOOD, address: '198.18.101' }), 'has no valid address ("198.18.101")'],
    ['a loopback gateway', formatLease({ ...GOOD, gateway: '127.0.0.1' }), 'has no valid gateway ("127.0.0.1")'],
    ['a gateway that is a number', JSON.stringify({ ...GOOD, gateway: 3232235777 }), 'has no valid gateway (3232235777)'],
    ['no address', JSON.stringify({ device: 'eth1', gateway: '198.18.101.1' }), 'has no valid address (undefined)'],
    ['an unknown source', JSON.stringify({ ...GOOD, source: 'pump' }), 'has no valid source ("pump")'],
  ])('refuses %s', (_name, text, problem) => {
    expect(parseLease('eth1', text)).toEqual({ problem });
  });
});
