// The router's resolvers: those of the usable uplinks (in the default route, or healthy on
// standby for a lower tier), best tier and highest weight first, each address once (a resolver
// that several uplinks have is listed where the best of them would put it). Pure.
import type { UplinkState } from './uplink-state.js';
import type { UplinkResolvers } from './uplink-resolvers.js';

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
  const usable = uplinks.filter((s) => s.inRoute || s.standby === true).sort(rank);
  const list: ResolverEntry[] = [];
  for (const s of usable) {
    const mine = announced.get(s.uplink.device);
    for (const address of mine?.resolvers ?? []) {
      const seen = list.find((e) => e.address === address);
      if (seen) seen.devices.push(s.uplink.device);
      else list.push({ address, devices: [s.uplink.device], by: mine?.by ?? '' });
    }
  }
  return list;
}
