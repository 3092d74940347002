// Each uplink's IPv6 side as the kernel and the DHCPv6 clients' records show it now: its
// global address (SLAAC or DHCPv6), its router (the link-local address of its router
// advertisements' default route, or IFACE_GW6S), and the prefixes its ISP delegated; up, or why
// not. Pure.
import type { Config } from '../config/types.js';
import type { Address, Observed, Route } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import { PROTOCOL } from './ownership.js';
import type { UplinkState } from './uplink-state.js';

/** The default route a router advertisement (or anyone but uplink-lb) installed in the IPv6
 *  main table through this device: its gateway is the ISP's router. */
export function advertisedDefault(observed6: Observed, device: string): Route | undefined {
  return observed6.routes.find((r) => r.table === MAIN_TABLE && r.dst === 'default' && r.type === 'unicast' && r.protocol !== PROTOCOL && !r.nexthops && r.nhid === undefined && r.dev === device && r.gateway !== undefined);
}

/** The address the router's own connections through this uplink start from: a usable one
 *  (not tentative, not deprecated), a stable one before a privacy address. */
function wanAddress(observed6: Observed, device: string): Address | undefined {
  const usable = observed6.addresses.filter((a) => a.device === device && !a.tentative && !a.deprecated);
  return usable.find((a) => !a.temporary) ?? usable[0];
}

/** The IPv6 side of uplink `s` (its IPv4 state), or undefined where uplink-lb leaves IPv6
 *  alone: IPV6_MODE=off, IFACE_GW6S none, or a kernel without IPv6. `delegated`: the prefixes
 *  the uplink's DHCPv6 client recorded. */
export function resolveUplink6(s: UplinkState, config: Config, observed6: Observed | undefined, delegated: readonly string[]): UplinkState | undefined {
  const { uplink } = s;
  if (config.ipv6 === 'off' || uplink.router6 === 'none' || !observed6) return undefined;
  // the delegation is kept whatever the side's state: its LAN prefixes stay (deprecated) until
  // it ends
  const base: UplinkState = { uplink, family: 'inet6', status: 'down', reason: s.reason, inRoute: false, ...(s.carrier !== undefined ? { carrier: s.carrier } : {}), ...(delegated.length > 0 ? { delegated: [...delegated] } : {}) };
  // the link's own state (missing, down, being taken down) is the same for both families
  if (s.status === 'down') return base;
  const address = wanAddress(observed6, uplink.device);
  const gateway = uplink.router6 !== 'auto' ? uplink.router6 : advertisedDefault(observed6, uplink.device)?.gateway;
  const found = { ...(address ? { address: address.address, prefix: 128 } : {}), ...(delegated.length > 0 ? { delegated: [...delegated] } : {}) };
  if (!gateway) {
    return { ...base, ...found, status: 'unconfigured', reason: `no IPv6 router: no router advertisement on ${uplink.device} (a forwarding router needs accept_ra=2 there) and IFACE_GW6S names none` };
  }
  if (!address && delegated.length === 0) {
    return { ...base, gateway, status: 'unconfigured', reason: `no IPv6 address on ${uplink.device} and no delegated prefix (SLAAC or DHCPv6 not done?)` };
  }
  return { ...base, ...found, gateway, status: 'up', reason: '' };
}
