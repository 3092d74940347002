// The routes of an uplink's own table: its network, its default, and a prohibit default behind
// them. Pure.
import type { Config } from '../config/types.js';
import { networkOf } from '../config/ipv4.js';
import type { Route } from '../kernel/types.js';
import { PROTOCOL } from './ownership.js';
import type { UplinkState } from './uplink-state.js';

/** Metric of the prohibit default that keeps an uplink's traffic from leaking to another when its route is gone. */
const FALLBACK_METRIC = 4000000000;
/** The metric the kernel gives an IPv6 route added with none (0 becomes it): the IPv6 table
 *  default is added with it, so that it reads back as planned. */
const IPV6_DEFAULT_METRIC = 1024;
/** A route by device (a point-to-point link's): link scope, as `ip route` gives it, and never
 *  onlink (the kernel refuses onlink without a gateway). */
export const byDevice = { scope: 253, onlink: false } as const;

/** IPv6: the default through the ISP's router, and an unreachable default behind it, so that
 *  nothing from this uplink's prefix or address ever leaves through another ISP (which would
 *  drop it); connected networks are the main table's (the rule ahead of the uplinks'). */
function ipv6TableRoutes(s: UplinkState, config: Config): Route[] {
  const { uplink } = s;
  const options = config.routeOptions;
  return [
    { table: uplink.table, type: 'unicast', dst: 'default', metric: IPV6_DEFAULT_METRIC, protocol: options.protocol ?? PROTOCOL, scope: 0, ...(s.gateway ? { gateway: s.gateway } : {}), dev: uplink.device, onlink: false, metrics: { ...options.metrics } },
    { table: uplink.table, type: 'unreachable', dst: 'default', metric: FALLBACK_METRIC, protocol: PROTOCOL, scope: 0, onlink: false, metrics: {} },
  ];
}

export function uplinkTableRoutes(s: UplinkState, config: Config): Route[] {
  if (s.family === 'inet6') return ipv6TableRoutes(s, config);
  const { uplink } = s;
  const address = s.address as string;
  const prefix = s.prefix as number;
  const options = config.routeOptions;
  const routes: Route[] = [];
  if (prefix < 32) {
    routes.push({
      table: uplink.table,
      type: 'unicast',
      dst: `${networkOf(address, prefix)}/${prefix}`,
      metric: 0,
      protocol: PROTOCOL,
      scope: 253,
      dev: uplink.device,
      prefsrc: address,
      onlink: false,
      metrics: {},
    });
  }
  const next: Pick<Route, 'gateway' | 'scope' | 'onlink'> = s.gateway ? { gateway: s.gateway, scope: 0, onlink: options.onlink } : byDevice;
  routes.push({ table: uplink.table, type: 'unicast', dst: 'default', metric: 0, protocol: options.protocol ?? PROTOCOL, ...next, dev: uplink.device, metrics: { ...options.metrics } });
  routes.push({ table: uplink.table, type: 'prohibit', dst: 'default', metric: FALLBACK_METRIC, protocol: PROTOCOL, scope: 0, onlink: false, metrics: {} });
  return routes;
}

