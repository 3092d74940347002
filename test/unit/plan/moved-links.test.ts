// What changed in the uplinks' links between two reads, on states captured on the rig
// (applied-nexthops: both uplinks up; carrier-lost-nexthops: isp1's carrier gone).
import { describe, expect, it } from 'vitest';
import type { Observed } from '../../../src/kernel/types.js';
import { movedLinks } from '../../../src/plan/moved-links.js';
import { observedAt } from '../helpers.js';

const UPLINKS = ['eth1', 'eth2'];
const withLinks = (o: Observed, change: (name: string) => { up: boolean; carrier: boolean } | undefined): Observed => ({
  ...o,
  links: o.links.flatMap((l) => {
    const to = change(l.name);
    return to === undefined ? (UPLINKS.includes(l.name) ? [] : [l]) : [{ ...l, ...to }];
  }),
});

describe('links that moved between two reads', () => {
  const up = observedAt('applied-nexthops');

  it('a carrier lost, and back', () => {
    const lost = observedAt('carrier-lost-nexthops');
    expect(movedLinks(up, lost, UPLINKS)).toEqual(['eth1 lost its carrier']);
    expect(movedLinks(lost, up, UPLINKS)).toEqual(['eth1 has its carrier back']);
  });

  it('a device gone, or come; taken down, or brought up', () => {
    const gone = withLinks(up, (name) => (name === 'eth2' ? undefined : { up: true, carrier: true }));
    expect(movedLinks(up, gone, UPLINKS)).toEqual(['eth2 is gone']);
    expect(movedLinks(gone, up, UPLINKS)).toEqual(['eth2 appeared']);
    const down = withLinks(up, (name) => ({ up: name !== 'eth1', carrier: name !== 'eth1' }));
    expect(movedLinks(up, down, UPLINKS)).toEqual(['eth1 was taken down']);
    expect(movedLinks(down, up, UPLINKS)).toEqual(['eth1 was brought up']);
  });

  it('nothing moved; and links that are not uplinks do not count', () => {
    expect(movedLinks(up, observedAt('applied-nexthops'), UPLINKS)).toEqual([]);
    expect(movedLinks(up, observedAt('carrier-lost-nexthops'), ['eth2'])).toEqual([]);
  });
});
