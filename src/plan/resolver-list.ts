// The router's resolvers: those of the usable uplinks, best tier and highest weight first, each
// address once (a resolver that several uplinks have is listed where the best of them would put
// it). An IPv4 resolver is usable while its uplink's IPv4 side is (in the default route, or
// healthy on standby for a lower tier), an IPv6 one while its IPv6 side is; of one uplink, its
// IPv4 resolvers come before its IPv6 ones. Pure.
import { isIpv6 } from '../config/ipv6.js';
import type { UplinkState } from './uplink-state.js';
import { announcer, type UplinkResolvers } from './uplink-resolvers.js';

export interface ResolverEntry {
  address: string;
  /** The uplinks whose resolver it is, best first. */
  devices: string[];
  /** Who announced it (the best uplink's), for the file's comment and status. */
  by: string;
}

function rank(a: UplinkState, b: UplinkState): number {
  const route = Number(b.inRoute) - Number(a.inRoute);
  if (route !== 0) return route;
  if (a.uplink.tier !== b.uplink.tier) return a.uplink.tier - b.uplink.tier;
  const weight = (b.routeWeight ?? b.uplink.weight) - (a.routeWeight ?? a.uplink.weight);
  return weight !== 0 ? weight : a.uplink.index - b.uplink.index;
}

export function resolverList(uplinks: readonly UplinkState[], announced: ReadonlyMap<string, UplinkResolvers>): ResolverEntry[] {
  // each family's side of every uplink, IPv4's first: a stable sort keeps an uplink's IPv4
  // resolvers ahead of its IPv6 ones
  const sides = [...uplinks, ...uplinks.flatMap((s) => (s.inet6 ? [s.inet6] : []))];
  const usable = sides.filter((s) => s.inRoute || s.standby === true).sort(rank);
  const list: ResolverEntry[] = [];
  for (const s of usable) {
    const mine = announced.get(s.uplink.device);
    if (!mine) continue;
    for (const address of mine.resolvers.filter((r) => isIpv6(r) === (s.family === 'inet6'))) {
      const seen = list.find((e) => e.address === address);
      if (seen) seen.devices.push(s.uplink.device);
      else list.push({ address, devices: [s.uplink.device], by: announcer(mine, address) });
    }
  }
  return list;
}
