// IPv6 native mode's LAN side: on each LAN interface (IPV6_LAN) a /64 of each uplink's
// delegated prefix, the router's address in it ("...::1/64"), from which the router
// advertisement daemon (dnsmasq's `constructor:`, radvd) announces the prefix. It is preferred
// while its uplink carries new connections (in the IPv6 default route) and deprecated
// (preferred lifetime 0) while it does not: drained, failed, on standby in a higher tier, or its
// link gone; the hosts then start new connections from another uplink's prefix, which that ISP
// takes. A prefix whose delegation ended goes. Pure.
import type { Config } from '../config/types.js';
import { prefix6, subnet64 } from '../config/ipv6.js';
import type { UplinkState } from './uplink-state.js';

export interface LanAddress {
  /** The LAN interface. */
  device: string;
  /** The router's address in the /64. */
  address: string;
  /** The uplink whose delegated prefix it is from. */
  uplink: string;
  /** Preferred (hosts start connections from it), or deprecated. */
  preferred: boolean;
}

/** The key that names a LAN address for the kernel and the ownership record. */
export const lanKey = (a: { address: string; device: string }): string => `${a.address}/64 dev ${a.device}`;

/** Every LAN address the uplinks' delegations give, and what could not be given (a prefix too
 *  small for the LANs named, or longer than /64). */
export function lanAddresses(config: Config, uplinks: readonly UplinkState[]): { addresses: LanAddress[]; problems: string[] } {
  const addresses: LanAddress[] = [];
  const problems: string[] = [];
  if (config.lans6.length === 0) return { addresses, problems };
  for (const s of uplinks) {
    const six = s.inet6;
    for (const text of six?.delegated ?? []) {
      const prefix = prefix6(text);
      if (!('value' in prefix)) continue; // checked when recorded
      config.lans6.forEach((device, index) => {
        const subnet = subnet64(prefix.value.network, prefix.value.length, index);
        if (!subnet) {
          problems.push(`${s.uplink.device}: the delegated prefix ${text} has no ${index + 1}${index === 0 ? 'st' : index === 1 ? 'nd' : index === 2 ? 'rd' : 'th'} /64 for ${device} (IPV6_LAN names ${config.lans6.length})`);
          return;
        }
        addresses.push({ device, address: subnet.router, uplink: s.uplink.device, preferred: six?.inRoute === true });
      });
    }
  }
  return { addresses, problems };
}
