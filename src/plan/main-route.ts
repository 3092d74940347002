// The main table's balanced default route: which uplinks it holds (the healthy ones of the best
// tier, or fail open) and their weights. Pure.
import type { Config } from '../config/types.js';
import type { Nexthop, Route } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import { PROTOCOL } from './ownership.js';
import { byDevice } from './table-routes.js';
import type { UplinkState } from './uplink-state.js';
import { scaledWeights } from './weights.js';
import { healthKey } from './health-key.js';

/** Nexthop weights: the configured ones, scaled while an uplink is degraded (the kernel takes
 *  up to 256). */
export function routeWeights(active: readonly UplinkState[], factors: ReadonlyMap<string, number>): number[] {
  return scaledWeights(active.map((s) => s.uplink.weight), active.map((s) => factors.get(healthKey(s)) ?? 1), 256);
}

export function mainDefault(active: UplinkState[], config: Config): Route | undefined {
  if (active.length === 0) return undefined;
  const options = config.routeOptions;
  // always uplink-lb's protocol (ROUTE_OPTIONS' proto goes to the table routes): it is what
  // marks the route as uplink-lb's at any metric
  const route: Route = { table: MAIN_TABLE, type: 'unicast', dst: 'default', metric: config.metric, protocol: PROTOCOL, scope: 0, onlink: false, metrics: { ...options.metrics } };
  const hops: Nexthop[] = active.map((s) => {
    const weight = s.routeWeight ?? s.uplink.weight;
    // onlink is for an IPv4 gateway outside the uplink's network; an IPv6 router is on the link
    return s.gateway ? { gateway: s.gateway, dev: s.uplink.device, weight, onlink: s.family !== 'inet6' && options.onlink } : { dev: s.uplink.device, weight, onlink: false };
  });
  const [only] = hops;
  if (hops.length === 1 && only) {
    if (only.gateway) route.gateway = only.gateway;
    else route.scope = byDevice.scope;
    route.dev = only.dev;
    route.onlink = only.onlink;
  } else route.nexthops = hops;
  return route;
}

/** The uplinks of the lowest tier among `uplinks`. */
function bestTier(uplinks: UplinkState[]): UplinkState[] {
  const tier = Math.min(...uplinks.map((s) => s.uplink.tier));
  return uplinks.filter((s) => s.uplink.tier === tier);
}

/** The uplinks for the default route: the healthy ones of the lowest tier that has any (the
 *  healthy ones of higher tiers wait on standby), or fail open when none is healthy. */
export function routeUplinks(up: UplinkState[], drained: ReadonlySet<string>): { members: UplinkState[]; healthy: UplinkState[]; failOpen: boolean } {
  const healthy = up.filter((s) => !drained.has(healthKey(s)));
  if (healthy.length > 0 || up.length === 0) return { members: healthy.length > 0 ? bestTier(healthy) : [], healthy, failOpen: false };
  // Every uplink fails its probes: the probe targets are the likelier culprits. Keep the
  // uplinks that have carrier (all of them if none has), of the lowest tier among them,
  // rather than leave no default route.
  const withCarrier = up.filter((s) => s.carrier !== false);
  return { members: bestTier(withCarrier.length > 0 ? withCarrier : up), healthy, failOpen: true };
}

