// An ISP's IPv6 resolvers through that ISP's uplink, for the router's own queries (its resolver
// library, a dnsmasq that serves the LAN). In native mode a connection's uplink is its source
// address, and the router's own connections take theirs from the route they follow: the balanced
// default would send a query for isp1's resolver out through isp2 by its draw, with isp2's
// address, which isp1's resolver does not answer (or isp2 drops on the way). So each IPv6
// resolver of one uplink gets a host route of uplink-lb's in the main table through that
// uplink's router while its IPv6 side is usable (in the route, or healthy on standby), and a
// prohibit route while it is up but not usable (drained, no router, ...): the query fails at
// once (EACCES) and the client tries its next server, instead of timing out. A resolver several uplinks announce is left to the default
// route. LAN hosts that query an ISP's resolver themselves leave with their own prefix's ISP
// (its rule comes first); the router's resolver is the one to give them. Pure.
import { isIpv6 } from '../config/ipv6.js';
import type { Config } from '../config/types.js';
import type { Route } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import { PROTOCOL } from './ownership.js';
import type { UplinkResolvers } from './uplink-resolvers.js';
import type { UplinkState } from './uplink-state.js';

export function resolverRoutes6(config: Config, uplinks: readonly UplinkState[], announced: ReadonlyMap<string, UplinkResolvers>): Route[] {
  const announcedBy = new Map<string, UplinkState[]>();
  for (const s of uplinks) {
    for (const resolver of (announced.get(s.uplink.device)?.resolvers ?? []).filter(isIpv6)) announcedBy.set(resolver, [...(announcedBy.get(resolver) ?? []), s]);
  }
  return [...announcedBy].flatMap(([resolver, states]): Route[] => {
    const [only] = states;
    const six = only?.inet6;
    // several uplinks' (a public resolver), an uplink whose IPv6 uplink-lb leaves alone, or one
    // that is gone or taken down (ifdown takes all of its routes, as a released lease its
    // IPv4 resolvers' pins)
    if (states.length !== 1 || !six || six.status === 'down') return [];
    const base = { table: MAIN_TABLE, dst: resolver, metric: config.metric, protocol: PROTOCOL, scope: 0, onlink: false, metrics: {} };
    if ((six.inRoute || six.standby === true) && six.gateway) return [{ ...base, type: 'unicast', gateway: six.gateway, dev: six.uplink.device }];
    return [{ ...base, type: 'prohibit' }];
  });
}
