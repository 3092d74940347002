// desired(Config, Observed, Leases, Event) -> what the kernel should hold. Pure. Each kind of
// object has its file: uplink-state (each uplink resolved), rules, table-routes, main-route,
// takeover, nft-ruleset.
import type { Config } from '../config/types.js';
import type { Lease } from './lease.js';
import type { NexthopObject, Observed, Route, Rule } from '../kernel/types.js';
import { scopeOf, type Scope } from './ownership.js';
import { buildRuleset, type Ruleset } from './nft-ruleset.js';
import { choosePolicies, type PolicyChoice } from './policy-choice.js';
import type { Maintenance } from './maintenance.js';
import { resolveUplink, type HookEvent, type UplinkState } from './uplink-state.js';
import { uplinkRules } from './rules.js';
import { uplinkTableRoutes } from './table-routes.js';
import { mainDefault, routeUplinks, routeWeights } from './main-route.js';
import { takeovers } from './takeover.js';
import { nexthopMode, withNexthopObjects, type NexthopMode } from './nexthop-objects.js';

/** What the kernel should hold: what a diff plans towards, and what a read-back is compared
 *  with. */
export interface KernelTarget {
  rules: Rule[];
  /** Every route of every configured uplink table. */
  tableRoutes: Route[];
  /** The main table's default route at the tool's metric; undefined when no uplink is up. */
  mainDefault?: Route;
  /** uplink-lb's nexthop objects (protocol 73) that the routes use; empty where they are not
   *  used (then every one of uplink-lb's goes). */
  nexthops: NexthopObject[];
  /** Default routes a DHCP client installed on an uplink that would win over the balanced
   *  route (udhcpc's, at metric 0): uplink-lb takes them over (their gateway is in `learned`). */
  takeover: Route[];
  /** uplink-lb's nftables table: the ruleset it should hold, null for no table (pinning off);
   *  absent when nft is not installed (then it is not compared). */
  nft?: Ruleset | null;
}

/** A run's decision: the kernel target and the diff's scope, and each uplink as resolved (for
 *  the health check, status and the log). */
export interface Desired {
  target: KernelTarget;
  scope: Scope;
  uplinks: UplinkState[];
  /** Every up uplink is drained by its health check: all kept in the route anyway. */
  failOpen: boolean;
  /** Gateways learned from a client's own default route, to record as leases (source `route`)
   *  so they outlive the route that told them. */
  learned: Lease[];
  /** Which uplinks carry each traffic policy (PIN entries first); empty when pinning is off. */
  policies: PolicyChoice[];
  /** Whether the routes use nexthop objects, and if not, why. */
  nexthopMode: NexthopMode;
}

export interface DesiredInputs {
  leases: ReadonlyMap<string, Lease>;
  /** Uplinks the health check has taken out of the default route. */
  drained?: ReadonlySet<string>;
  /** Uplinks drained by the administrator: out of the route while any other uplink is up. */
  maintenance?: ReadonlyMap<string, Maintenance>;
  /** Degraded uplinks that stay in the route, and the share of their weight they keep. */
  factors?: ReadonlyMap<string, number>;
  event?: HookEvent;
  /** nft is installed: the target says what uplink-lb's table should hold. */
  nft?: boolean;
  /** The kernel's net.ipv4.fib_multipath_hash_policy (HASH_POLICY, when set, wins): how a
   *  policy's draw among its uplinks goes, like the default route's. */
  multipathHash?: number;
}

export function desired(config: Config, observed: Observed, inputs: DesiredInputs): Desired {
  const uplinks = config.uplinks.map((u) => resolveUplink(u, observed, inputs.leases, inputs.event, config.routeOptions.onlink));
  const up = uplinks.filter((s) => s.status === 'up');
  // an uplink drained for maintenance is left out, unless no other uplink is up at all
  const maintenance = inputs.maintenance ?? new Map<string, Maintenance>();
  for (const s of uplinks) {
    const m = maintenance.get(s.uplink.device);
    if (m) s.maintenance = m;
  }
  const available = up.filter((s) => !s.maintenance);
  const { members, healthy, failOpen } = routeUplinks(available.length > 0 ? available : up, inputs.drained ?? new Set());
  for (const s of healthy) if (!members.includes(s)) s.standby = true;
  const weights = routeWeights(members, inputs.factors ?? new Map());
  members.forEach((s, i) => {
    s.inRoute = true;
    s.routeWeight = weights[i] as number;
  });
  const { takeover, learned } = takeovers(uplinks, observed, inputs.leases, config.metric);
  const mode = nexthopMode(config, observed);
  const tableRoutes = up.flatMap((s) => uplinkTableRoutes(s, config));
  const route = mainDefault(members, config);
  const routes = mode.objects ? withNexthopObjects(config, up, members, tableRoutes, route) : { nexthops: [], tableRoutes, mainDefault: route };
  const target: KernelTarget = { rules: uplinkRules(config, up), tableRoutes: routes.tableRoutes, takeover, nexthops: routes.nexthops };
  if (routes.mainDefault) target.mainDefault = routes.mainDefault;
  // a policy's uplink carries it whenever it is usable, on standby or not
  const policies = config.pinning ? choosePolicies(config, new Set([...members, ...healthy].map((s) => s.uplink.device)), inputs.factors ?? new Map()) : [];
  // 0 and 2 hash the addresses only (2: the inner ones of a tunnel); 1 and 3 the ports too
  const perConnection = config.hashPolicy ? config.hashPolicy === 'l4' : inputs.multipathHash === 1 || inputs.multipathHash === 3;
  const addresses = new Map(up.flatMap((s) => (s.address ? [[s.uplink.device, s.address] as const] : [])));
  if (inputs.nft) target.nft = config.pinning ? buildRuleset(config, policies, perConnection, addresses) : null;
  return { target, scope: scopeOf(config, observed), uplinks, failOpen, learned, policies, nexthopMode: mode };
}
