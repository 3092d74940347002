// What changed in the uplinks' links between two reads of the kernel: a device that went or
// came, was taken down or brought up, lost or regained its carrier. A run whose read-back
// differs from its plan because of such a change (pppd ends and ppp0 goes; a cable is pulled,
// and the kernel deletes the nexthop objects on that device) did not fail: the world moved
// under it, and the run plans again from the kernel as it is now instead of rolling back to a
// state the kernel can no longer hold.
import type { Link, Observed } from '../kernel/types.js';

function change(device: string, before: Link | undefined, after: Link | undefined): string | undefined {
  if (before && !after) return `${device} is gone`;
  if (!before && after) return `${device} appeared`;
  if (!before || !after) return undefined;
  if (before.up !== after.up) return after.up ? `${device} was brought up` : `${device} was taken down`;
  if (before.carrier !== after.carrier) return after.carrier ? `${device} has its carrier back` : `${device} lost its carrier`;
  return undefined;
}

/** The changes of `devices`' links from `before` to `after`, one phrase each, in the order of
 *  `devices`; empty when none of them changed. */
export function movedLinks(before: Observed, after: Observed, devices: readonly string[]): string[] {
  const find = (o: Observed, name: string): Link | undefined => o.links.find((l) => l.name === name);
  return devices.flatMap((d) => change(d, find(before, d), find(after, d)) ?? []);
}
