// Each configured uplink as the kernel and the DHCP clients' records show it now: up with an
// address and a next hop, or why not. Pure.
import type { UplinkConfig } from '../config/types.js';
import { inSubnet } from '../config/ipv4.js';
import type { Lease } from './lease.js';
import type { Family, Observed, Route } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import { PROTOCOL } from './ownership.js';
import type { Maintenance } from './maintenance.js';

/** The hook's event: ifupdown is bringing `device` up or taking it down. */
export interface HookEvent {
  device: string;
  mode: 'start' | 'stop';
}

export type UplinkStatus = 'up' | 'down' | 'unconfigured';

export interface UplinkState {
  uplink: UplinkConfig;
  /** Which side of the uplink this is: its IPv4 side (absent) or its IPv6 side. */
  family?: Family;
  status: UplinkStatus;
  /** In the main table's default route. */
  inRoute: boolean;
  /** Why the uplink is not up; empty when it is. */
  reason: string;
  address?: string;
  prefix?: number;
  /** The next hop; absent on a point-to-point link, whose routes go by device. */
  gateway?: string;
  /** A point-to-point link (ppp): no gateway needed, routes by device. */
  pointToPoint?: boolean;
  /** The other end of a point-to-point link, the probe target when none is configured. */
  peer?: string;
  /** Where an `auto` gateway came from: a client's hook record, or the client's own route. */
  gatewaySource?: 'lease' | 'route';
  carrier?: boolean;
  /** Healthy, but out of the default route because an uplink of a lower tier is usable. */
  standby?: boolean;
  /** Drained by the administrator (`uplink-lb drain`). */
  maintenance?: Maintenance;
  /** Its nexthop's weight in the default route, when it is in it (the configured weight,
   *  scaled while an uplink is degraded). */
  routeWeight?: number;
  /** IPv6: the prefixes the ISP delegated through this uplink ("PREFIX/LEN"). */
  delegated?: string[];
  /** The uplink's IPv6 side (on its IPv4 state); absent where IPv6 is left alone. */
  inet6?: UplinkState;
}

/** The default route a DHCP client (or anyone but uplink-lb) installed in the main table
 *  through this device: udhcpc always installs one, dhcpcd at metric 1000 + ifindex; pppd's
 *  (its `defaultroute` option) goes by device, with no gateway. */
export function clientDefaultRoute(observed: Observed, device: string, byDevice = false): Route | undefined {
  return observed.routes.find(
    (r) => r.table === MAIN_TABLE && r.dst === 'default' && r.type === 'unicast' && r.protocol !== PROTOCOL && !r.nexthops && r.dev === device && (byDevice || r.gateway !== undefined),
  );
}

/** An `auto` gateway: what the client's hook recorded for this address comes first, then the
 *  default route the client itself installed on the device, then what was learned from such a
 *  route before uplink-lb took it over. Never guessed. */
function autoGateway(lease: Lease | undefined, route: Route | undefined, address: string): { gateway: string; source: 'lease' | 'route' } | undefined {
  const current = lease?.address === address ? lease : undefined;
  if (current && current.source !== 'route') return { gateway: current.gateway, source: 'lease' };
  if (route?.gateway) return { gateway: route.gateway, source: 'route' };
  if (current) return { gateway: current.gateway, source: 'route' };
  return undefined;
}

export function resolveUplink(uplink: UplinkConfig, observed: Observed, leases: ReadonlyMap<string, Lease>, event: HookEvent | undefined, onlink: boolean): UplinkState {
  const state = (status: UplinkStatus, reason: string): UplinkState => ({ uplink, status, reason, inRoute: false });
  const link = observed.links.find((l) => l.name === uplink.device);
  if (!link) return state('down', `device ${uplink.device} does not exist`);
  if (event?.mode === 'stop' && event.device === uplink.device) return { ...state('down', 'ifdown in progress'), carrier: link.carrier };
  if (!link.up) return { ...state('down', 'link is administratively down'), carrier: link.carrier };

  const onDevice = observed.addresses.filter((a) => a.device === uplink.device);
  const lease = leases.get(uplink.device);
  const chosen =
    uplink.address !== 'auto'
      ? onDevice.find((a) => a.address === uplink.address)
      : (onDevice.find((a) => a.address === lease?.address) ?? onDevice[0]);
  if (!chosen) {
    const reason = uplink.address !== 'auto' ? `address ${uplink.address} is not on ${uplink.device}` : `no IPv4 address on ${uplink.device} (DHCP not bound?)`;
    return { ...state('unconfigured', reason), carrier: link.carrier };
  }
  const prefix = uplink.prefix === 'auto' ? chosen.prefix : uplink.prefix;
  const base = { address: chosen.address, prefix, carrier: link.carrier };
  // a point-to-point link (ppp) needs no gateway: its routes go by device
  if (link.pointToPoint && uplink.gateway === 'auto') {
    return { ...state('up', ''), ...base, pointToPoint: true, ...(chosen.peer ? { peer: chosen.peer } : {}) };
  }
  let gateway: string | undefined;
  let gatewaySource: 'lease' | 'route' | undefined;
  if (uplink.gateway !== 'auto') gateway = uplink.gateway;
  else {
    const auto = autoGateway(lease, clientDefaultRoute(observed, uplink.device), chosen.address);
    gateway = auto?.gateway;
    gatewaySource = auto?.source;
  }
  if (!gateway) {
    const reason = lease
      ? `the DHCP lease record is for ${lease.address}, not ${chosen.address}`
      : 'no gateway: set IFACE_GWS, or the DHCP client has not told one (no lease recorded, no default route of its own on the device)';
    return { ...state('unconfigured', reason), ...base };
  }
  if (!onlink && !inSubnet(gateway, chosen.address, prefix) && gateway !== chosen.peer) {
    return { ...state('unconfigured', `gateway ${gateway} is not in ${chosen.address}/${prefix} (add onlink to ROUTE_OPTIONS if the ISP needs it)`), ...base, gateway };
  }
  return { ...state('up', ''), ...base, gateway, ...(gatewaySource ? { gatewaySource } : {}) };
}
