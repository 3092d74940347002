// Nexthop objects are one set of ids for both families, and `ip nexthop show` lists groups only
// when no family is named: they are read (and changed) in the IPv4 batch, and each family's
// view gets its own. uplink-lb's IPv6 objects are its IPv6 range of ids; any other object
// whose gateway is an IPv6 address is IPv6's too. Pure.
import type { NexthopObject, Observed } from './types.js';

/** uplink-lb's IPv6 group id; its uplinks' IPv6 objects follow it (see plan/nexthop-objects.ts). */
export const GROUP_ID6 = 7_310_000;
/** The ids uplink-lb may use per family: the group and one per uplink. */
export const MAX_UPLINKS_IDS = 64;

export function isIpv6Nexthop(object: NexthopObject): boolean {
  if (object.id >= GROUP_ID6 && object.id <= GROUP_ID6 + MAX_UPLINKS_IDS) return true;
  return object.gateway?.includes(':') === true;
}

/** The observation with the IPv6 objects moved to its IPv6 view. */
export function splitNexthops(observed: Observed): Observed {
  if (observed.nexthops === undefined || observed.inet6 === undefined) return observed;
  return {
    ...observed,
    nexthops: observed.nexthops.filter((n) => !isIpv6Nexthop(n)),
    inet6: { ...observed.inet6, nexthops: observed.nexthops.filter(isIpv6Nexthop) },
  };
}
