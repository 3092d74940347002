// desired(Config, Observed, Leases, Event) -> what the kernel should hold. Pure. Each kind of
// object has its file: uplink-state (each uplink resolved), rules, table-routes, main-route,
// takeover, nft-ruleset.
import type { Config } from '../config/types.js';
import type { Lease } from './lease.js';
import type { Family, NexthopObject, Observed, Route, Rule } from '../kernel/types.js';
import { scopeOf, type Scope } from './ownership.js';
import { buildRuleset, type Ruleset } from './nft-ruleset.js';
import { translation6 } from './translation6.js';
import { choosePolicies, type PolicyChoice } from './policy-choice.js';
import { resolverPins } from './resolver-pins.js';
import { uplinkResolvers, type Dhcp6Resolvers, type UplinkResolvers } from './uplink-resolvers.js';
import { resolverRoutes6 } from './resolver-routes6.js';
import { resolverList, type ResolverEntry } from './resolver-list.js';
import type { RecordedResolvers } from './resolvconf-records.js';
import type { Maintenance } from './maintenance.js';
import { resolveUplink, type HookEvent, type UplinkState } from './uplink-state.js';
import { resolveUplink6 } from './uplink-state6.js';
import { lanAddresses, lanKey, type LanAddress } from './lan-prefixes.js';
import { healthKey } from './health-key.js';
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
  /** uplink-lb's other routes in the main table: IPv6 resolvers' host routes
   *  (plan/resolver-routes6.ts). */
  mainRoutes?: Route[];
  /** uplink-lb's nexthop objects (protocol 73) that the routes use; empty where they are not
   *  used (then every one of uplink-lb's goes). */
  nexthops: NexthopObject[];
  /** Default routes a DHCP client installed on an uplink that would win over the balanced
   *  route (udhcpc's, at metric 0): uplink-lb takes them over (their gateway is in `learned`). */
  takeover: Route[];
  /** uplink-lb's nftables table: the ruleset it should hold, null for no table (pinning off);
   *  absent when nft is not installed (then it is not compared). */
  nft?: Ruleset | null;
  /** The IPv6 side's rules, routes and nexthop objects (never a takeover or an nft table of its
   *  own: the nftables table is of family inet, both at once); absent: none. */
  inet6?: KernelTarget;
  /** IPv6: the LAN addresses from the uplinks' delegated prefixes (plan/lan-prefixes.ts). */
  addresses?: LanAddress[];
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
  /** IPv6 LAN prefixes that could not be given (a delegated prefix too small, ...). */
  lanProblems: string[];
  /** Each uplink's resolvers and who announced them. */
  announced: Map<string, UplinkResolvers>;
  /** The router's resolvers: the usable uplinks', best first (plan/resolver-list.ts). */
  resolvers: ResolverEntry[];
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
  /** IPv6: the prefixes each uplink's DHCPv6 client recorded as delegated ("PREFIX/LEN"). */
  delegated?: ReadonlyMap<string, readonly string[]>;
  /** IPv6: the LAN addresses uplink-lb added and has not removed (its record, lanKey form). */
  ownedLan?: readonly string[];
  /** The resolvers each PPP uplink's peer announced (pppd's usepeerdns). */
  peerResolvers?: ReadonlyMap<string, readonly string[]>;
  /** The resolvers each uplink's client gave resolvconf (its records, live or kept aside). */
  recordedResolvers?: ReadonlyMap<string, RecordedResolvers>;
  /** The IPv6 resolvers each uplink's DHCPv6 client recorded. */
  dhcp6Resolvers?: Dhcp6Resolvers;
}

/** The uplinks of one family's default route: the healthy ones of the best tier among those
 *  up and not drained for maintenance (unless none other is up), with their weights; or fail
 *  open. Marks each member `inRoute` with its weight, and the healthy others `standby`. */
function chooseMembers(uplinks: readonly UplinkState[], inputs: DesiredInputs): { up: UplinkState[]; members: UplinkState[]; healthy: UplinkState[]; failOpen: boolean } {
  const up = uplinks.filter((s) => s.status === 'up');
  // an uplink drained for maintenance is left out, unless no other uplink is up at all
  const available = up.filter((s) => !s.maintenance);
  const { members, healthy, failOpen } = routeUplinks(available.length > 0 ? available : up, inputs.drained ?? new Set());
  for (const s of healthy) if (!members.includes(s)) s.standby = true;
  const weights = routeWeights(members, inputs.factors ?? new Map());
  members.forEach((s, i) => {
    s.inRoute = true;
    s.routeWeight = weights[i] as number;
  });
  return { up, members, healthy, failOpen };
}

/** One family's rules, table routes, balanced route and nexthop objects. */
function familyRouting(config: Config, up: readonly UplinkState[], members: UplinkState[], mode: NexthopMode, family: Family): Omit<KernelTarget, 'takeover'> {
  const tableRoutes = up.flatMap((s) => uplinkTableRoutes(s, config));
  const route = mainDefault(members, config);
  const routes = mode.objects ? withNexthopObjects(config, up, members, tableRoutes, route, family) : { nexthops: [], tableRoutes, mainDefault: route };
  const target: Omit<KernelTarget, 'takeover'> = { rules: uplinkRules(config, up), tableRoutes: routes.tableRoutes, nexthops: routes.nexthops };
  if (routes.mainDefault) target.mainDefault = routes.mainDefault;
  return target;
}

/** IPv6 routes carry their nexthops: with an IPv6 nexthop group as the balanced route, the
 *  kernel (6.18, measured on the rig) gives the router's new connections the source address of
 *  the group's first member whichever member it picks, so those sent through another uplink
 *  leave with a foreign source, which that ISP drops (26 of 90 failed; 0 of 90 without). */
const IPV6_NEXTHOPS: NexthopMode = { objects: false, why: 'IPv6 routes carry their nexthops (the kernel picks the source address of a nexthop group\'s first member)' };

/** Each uplink's IPv6 side (native mode): resolved, on its IPv4 state as `inet6`, and the
 *  family's target with the LAN prefixes, and the LAN prefixes that could not be given;
 *  undefined where the kernel has no IPv6 (nothing to read or change). An uplink drained by the
 *  administrator is drained for both families; the health check's verdict is the IPv6 side's
 *  own where it has IPv6 targets, the uplink's otherwise (plan/health-key.ts). */
function ipv6Target(config: Config, uplinks: readonly UplinkState[], observed6: Observed | undefined, inputs: DesiredInputs): { target: KernelTarget; lanProblems: string[] } | undefined {
  if (!observed6) return undefined;
  for (const s of uplinks) {
    const six = resolveUplink6(s, config, observed6, inputs.delegated?.get(s.uplink.device) ?? []);
    if (!six) continue;
    if (s.maintenance) six.maintenance = s.maintenance;
    s.inet6 = six;
  }
  const sides = uplinks.flatMap((s) => (s.inet6 ? [s.inet6] : []));
  const { up, members } = chooseMembers(sides, inputs);
  const lan = lanAddresses(config, uplinks);
  return { target: { ...familyRouting(config, up, members, IPV6_NEXTHOPS, 'inet6'), takeover: [], addresses: lan.addresses }, lanProblems: lan.problems };
}

/** IPv6: the delegated prefixes of the uplinks out of service (drained by the health check, or
 *  their IPv6 side not up), unless the route keeps them anyway (fail open): new connections from
 *  them are refused at once. Not an uplink on standby or drained by the administrator: it works,
 *  and a host that still uses its prefix gets through. */
function outOfService6(uplinks: readonly UplinkState[], drained: ReadonlySet<string>): string[] {
  return uplinks.flatMap((s) => {
    const six = s.inet6;
    if (!six?.delegated || six.inRoute) return [];
    return drained.has(healthKey(six)) || six.status !== 'up' ? six.delegated : [];
  });
}

export function desired(config: Config, observed: Observed, inputs: DesiredInputs): Desired {
  const uplinks = config.uplinks.map((u) => resolveUplink(u, observed, inputs.leases, inputs.event, config.routeOptions.onlink));
  const maintenance = inputs.maintenance ?? new Map<string, Maintenance>();
  for (const s of uplinks) {
    const m = maintenance.get(s.uplink.device);
    if (m) s.maintenance = m;
  }
  const { up, members, healthy, failOpen } = chooseMembers(uplinks, inputs);
  const { takeover, learned } = takeovers(uplinks, observed, inputs.leases, config.metric);
  const mode = nexthopMode(config, observed);
  const target: KernelTarget = { ...familyRouting(config, up, members, mode, 'inet'), takeover };
  const six = ipv6Target(config, uplinks, observed.inet6, inputs);
  const inet6 = six?.target;
  if (inet6) target.inet6 = inet6;
  const announced = uplinkResolvers(config, inputs.leases, inputs.peerResolvers ?? new Map(), inputs.recordedResolvers, inputs.dhcp6Resolvers);
  if (inet6 && config.pinning) {
    const routes = resolverRoutes6(config, uplinks, announced);
    if (routes.length > 0) inet6.mainRoutes = routes;
  }
  // a policy's uplink carries it whenever it is usable, on standby or not
  const usable6 = new Set(uplinks.flatMap((s) => (s.inet6 && (s.inet6.inRoute || s.inet6.standby === true) ? [s.uplink.device] : [])));
  const policies = config.pinning ? choosePolicies(config, new Set([...members, ...healthy].map((s) => s.uplink.device)), inputs.factors ?? new Map(), resolverPins(config, announced), usable6) : [];
  // 0 and 2 hash the addresses only (2: the inner ones of a tunnel); 1 and 3 the ports too
  const perConnection = config.hashPolicy ? config.hashPolicy === 'l4' : inputs.multipathHash === 1 || inputs.multipathHash === 3;
  const addresses = new Map(up.flatMap((s) => (s.address ? [[s.uplink.device, s.address] as const] : [])));
  const translated = config.ipv6 === 'translated' && six !== undefined;
  if (inputs.nft) target.nft = config.pinning ? buildRuleset(config, policies, perConnection, addresses, config.ipv6 === 'native' ? outOfService6(uplinks, inputs.drained ?? new Set()) : [], translated ? translation6(config, uplinks) : undefined) : null;
  const lanProblems = six?.lanProblems ?? [];
  // the LAN addresses uplink-lb owns: those it recorded, and those it is about to add (not those
  // that are there already: someone else's)
  const present = new Set((observed.inet6?.addresses ?? []).filter((a) => a.prefix === 64).map(lanKey));
  const adding = (inet6?.addresses ?? []).map(lanKey).filter((key) => !present.has(key));
  const scope = scopeOf(config, observed, [...new Set([...(inputs.ownedLan ?? []), ...adding])]);
  return { target, scope, uplinks, failOpen, learned, policies, nexthopMode: mode, lanProblems, announced, resolvers: resolverList(uplinks, announced) };
}
