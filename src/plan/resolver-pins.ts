// Each ISP's resolvers through that ISP's uplink: an ISP's resolver usually answers only its
// own customers' addresses (and sits beyond its gateway), so a query that leaves through another
// uplink is lost. A resolver of one uplink (announced by its DHCP client or PPP peer, or
// configured) becomes a strict policy of that uplink, ahead of the user's pins and policies:
// while that uplink cannot carry it, a query is refused at once (the resolver client tries its
// next server) instead of timing out through an ISP that drops it. A resolver that several
// uplinks have (a public one) is left to the route, balanced like any destination. IPv4's: an
// IPv6 resolver's pin is a route (resolver-routes6.ts). Pure.
import { isIpv6 } from '../config/ipv6.js';
import type { Config, Policy } from '../config/types.js';
import type { UplinkResolvers } from './uplink-resolvers.js';

export function resolverPins(config: Config, announced: ReadonlyMap<string, UplinkResolvers>): Policy[] {
  const announcedBy = new Map<string, number[]>();
  for (const [index, uplink] of config.uplinks.entries()) {
    for (const resolver of (announced.get(uplink.device)?.resolvers ?? []).filter((r) => !isIpv6(r))) announcedBy.set(resolver, [...(announcedBy.get(resolver) ?? []), index]);
  }
  return [...announcedBy].flatMap(([resolver, uplinks]) => {
    const [uplink] = uplinks;
    if (uplinks.length !== 1 || uplink === undefined) return [];
    const by = announced.get(config.uplinks[uplink]?.device ?? '')?.by ?? '';
    return [
      {
        match: { to: `${resolver}/32` },
        tiers: [[{ uplink, weight: 1 }]],
        strict: true,
        name: `RESOLVER[${resolver}]`,
        text: `resolver ${resolver} of ${by}`,
      },
    ];
  });
}
