// What uplink-lb owns in the kernel, decided in one place: its protocol number on rules and
// routes, the uplink tables (configured, or left by a former configuration), and the main
// table's default route (and its routes of that protocol). Everything else is someone else's and
// is never touched. Pure.
import type { Config } from '../config/types.js';
import { LOCAL_TABLE, MAIN_TABLE } from '../kernel/tables.js';
import type { NexthopObject, Observed, Route, Rule } from '../kernel/types.js';

/** Route and rule protocol that marks what uplink-lb created (named in rt_protos.d/uplink-lb.conf). */
export const PROTOCOL = 73;

/** The scope of a diff: the tables whose routes are uplink-lb's, and the main table's metric
 *  that is. */
export interface Scope {
  ownedTables: number[];
  metric: number;
  /** IPv6 LAN addresses uplink-lb added (lanKey form): the only addresses it ever removes. */
  ownedAddresses?: string[];
}

export function ownsRule(rule: Rule): boolean {
  return rule.protocol === PROTOCOL;
}

/** Nexthop objects of uplink-lb's protocol; every other one is someone else's. */
export function ownsNexthop(object: NexthopObject): boolean {
  return object.protocol === PROTOCOL;
}

/** In the main table: the default route at the configured metric, and any route of uplink-lb's
 *  protocol whatever its metric (a default left at a former DEFAULT_ROUTE_METRIC would
 *  otherwise stay, and could win; an IPv6 resolver's host route). */
export function ownsRoute(route: Route, scope: Scope): boolean {
  if (route.table === MAIN_TABLE) return route.protocol === PROTOCOL || (route.dst === 'default' && route.metric === scope.metric);
  return scope.ownedTables.includes(route.table);
}

/** A default route in main that someone else installed (a DHCP client, the administrator). */
export function isForeignMainDefault(route: Route): boolean {
  return route.table === MAIN_TABLE && route.dst === 'default' && route.protocol !== PROTOCOL;
}

/** The configured tables, and any other table holding a route of uplink-lb's protocol (of
 *  either family): one the
 *  configuration used before (IFACE_TABLES changed, an uplink removed), to be emptied. */
export function scopeOf(config: Config, observed: Observed, ownedLan: readonly string[] = []): Scope {
  const configured = config.uplinks.map((u) => u.table);
  const former = [...observed.routes, ...(observed.inet6?.routes ?? [])]
    .filter((r) => r.protocol === PROTOCOL && r.table !== MAIN_TABLE && r.table !== LOCAL_TABLE && !configured.includes(r.table))
    .map((r) => r.table);
  const scope: Scope = { ownedTables: [...configured, ...new Set(former)], metric: config.metric };
  if (ownedLan.length > 0) scope.ownedAddresses = [...ownedLan];
  return scope;
}
