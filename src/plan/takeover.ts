// Default routes a DHCP client (or pppd) installed on an uplink that would win over the
// balanced route, and the gateways they tell. Pure.
import type { Lease } from './lease.js';
import type { Observed, Route } from '../kernel/types.js';
import { clientDefaultRoute, type UplinkState } from './uplink-state.js';

/** Client default routes that would win over the balanced route (a lower metric) on uplinks
 *  whose gateway is `auto`, and the gateways to record before they go. A client route at a
 *  higher metric (dhcpcd's 1000 + ifindex) is left alone: it never wins while the balanced
 *  route exists, and it keeps the router online if uplink-lb cannot run. */
export function takeovers(uplinks: readonly UplinkState[], observed: Observed, leases: ReadonlyMap<string, Lease>, metric: number): { takeover: Route[]; learned: Lease[] } {
  const takeover: Route[] = [];
  const learned: Lease[] = [];
  for (const s of uplinks) {
    if (s.uplink.gateway !== 'auto' || s.status !== 'up' || !s.address) continue;
    if (s.pointToPoint) {
      // pppd's own default route (`defaultroute`): nothing to learn, only to take over
      const route = clientDefaultRoute(observed, s.uplink.device, true);
      if (route && !route.gateway && route.metric < metric) takeover.push(route);
      continue;
    }
    const route = clientDefaultRoute(observed, s.uplink.device);
    if (!route?.gateway) continue;
    const recorded = leases.get(s.uplink.device);
    if (s.gatewaySource === 'route' && (recorded?.address !== s.address || recorded.gateway !== route.gateway || recorded.source !== 'route')) {
      learned.push({ device: s.uplink.device, address: s.address, gateway: route.gateway, reason: `default route proto ${route.protocol} metric ${route.metric}`, source: 'route' });
    }
    if (route.metric < metric) takeover.push(route);
  }
  return { takeover, learned };
}

