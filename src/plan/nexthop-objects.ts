// The kernel's nexthop objects (Linux 5.3+): each usable uplink's gateway (or device, for a
// point-to-point link) is one nexthop object, its table's default route uses it, and the
// balanced route uses one group of those objects with their weights. The kernel then takes an
// uplink out of the group by itself the moment its carrier or device goes (and deletes the
// member's object), and the route stays; a group's members and weights change with one
// `ip nexthop replace`, without touching the route. Pure.
import type { Config } from '../config/types.js';
import type { Family, NexthopObject, Observed, Route } from '../kernel/types.js';
import { GROUP_ID6, MAX_UPLINKS_IDS } from '../kernel/nexthop-family.js';
import { PROTOCOL } from './ownership.js';
import type { UplinkState } from './uplink-state.js';

/** The balanced route's group; uplink i's nexthop is GROUP_ID + 1 + i (ids are the kernel's
 *  u32; these are uplink-lb's by this range and by protocol 73). */
export const GROUP_ID = 7_300_000;
export { GROUP_ID6, MAX_UPLINKS_IDS };
/** The group id of a family: IPv4's, or IPv6's (its own range: a group's members are of one
 *  family). */
export const groupId = (family: Family = 'inet'): number => (family === 'inet6' ? GROUP_ID6 : GROUP_ID);
export const uplinkNexthopId = (index: number, family: Family = 'inet'): number => groupId(family) + 1 + index;
const ourId = (id: number, family: Family): boolean => id >= groupId(family) && id <= groupId(family) + MAX_UPLINKS_IDS;

/** Whether the balanced route and the table defaults use nexthop objects, and if not, why. */
export type NexthopMode = { objects: true } | { objects: false; why: string };

/** `observed`: the family's view (its nexthop objects are its own: kernel/nexthop-family.ts). */
export function nexthopMode(config: Config, observed: Observed, family: Family = 'inet'): NexthopMode {
  if (config.nexthopObjects === 'no') return { objects: false, why: 'NEXTHOP_OBJECTS=no' };
  if (observed.nexthops === undefined) return { objects: false, why: 'this kernel or iproute2 has no nexthop objects' };
  const first = groupId(family);
  const taken = observed.nexthops.find((n) => ourId(n.id, family) && n.protocol !== PROTOCOL);
  if (taken) return { objects: false, why: `nexthop id ${taken.id} belongs to another program, protocol ${taken.protocol}; uplink-lb's ids are ${first}-${first + MAX_UPLINKS_IDS}` };
  return { objects: true };
}

/** An uplink whose device has no carrier cannot have a nexthop object (the kernel refuses it,
 *  and deletes it when the carrier goes); nor its table a default through it. */
export const canHoldNexthop = (s: UplinkState): boolean => s.carrier !== false;

/** The classic target turned to nexthop objects: each table's default route through its
 *  uplink's object, and the main default through the group of the route's members (carrier-less
 *  ones left out: the kernel would refuse them). `tableRoutes` and `main` are what
 *  table-routes.ts and main-route.ts made for the same uplinks. */
export function withNexthopObjects(config: Config, up: readonly UplinkState[], members: readonly UplinkState[], tableRoutes: readonly Route[], main: Route | undefined, family: Family = 'inet'): { nexthops: NexthopObject[]; tableRoutes: Route[]; mainDefault?: Route } {
  const nexthops: NexthopObject[] = [];
  const ids = new Map<string, number>();
  for (const s of up) {
    if (!canHoldNexthop(s)) continue;
    const id = uplinkNexthopId(s.uplink.index, family);
    ids.set(s.uplink.device, id);
    const object: NexthopObject = { id, protocol: PROTOCOL, dev: s.uplink.device, onlink: s.gateway && family === 'inet' ? config.routeOptions.onlink : false, extra: [] };
    if (s.gateway) object.gateway = s.gateway;
    nexthops.push(object);
  }
  const tables = new Map(up.map((s) => [s.uplink.table, s.uplink.device]));
  const routes: Route[] = [];
  for (const route of tableRoutes) {
    const device = tables.get(route.table);
    const isDefault = route.type === 'unicast' && route.dst === 'default';
    if (!isDefault || device === undefined) {
      routes.push(route);
      continue;
    }
    const id = ids.get(device);
    // no carrier: no default through it (its prohibit route stays behind)
    if (id !== undefined) routes.push(throughObject(route, id));
  }
  const inGroup = members.filter((s) => ids.has(s.uplink.device));
  if (!main || inGroup.length === 0) return { nexthops, tableRoutes: routes };
  const weights = new Map(members.map((s) => [s.uplink.device, s.routeWeight ?? s.uplink.weight]));
  nexthops.push({ id: groupId(family), protocol: PROTOCOL, onlink: false, group: inGroup.map((s) => ({ id: ids.get(s.uplink.device) as number, weight: weights.get(s.uplink.device) ?? 1 })), extra: [] });
  return { nexthops, tableRoutes: routes, mainDefault: throughObject(main, groupId(family)) };
}

/** The route with its gateway, device and nexthops replaced by the object's id. */
function throughObject(route: Route, nhid: number): Route {
  const { gateway: _gateway, dev: _dev, nexthops: _nexthops, prefsrc: _prefsrc, ...rest } = route;
  return { ...rest, scope: 0, onlink: false, nhid };
}
