// desired(Config, Observed, Leases, Event) -> what the kernel should hold. Pure.
import type { Config, UplinkConfig } from '../config/types.js';
import { inSubnet, networkOf } from '../config/ipv4.js';
import type { Lease } from './lease.js';
import type { Nexthop, Observed, Route, Rule } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import { PROTOCOL, scopeOf, type Scope } from './ownership.js';
import { buildRuleset, type Ruleset } from './nft-ruleset.js';
import { choosePolicies, type PolicyChoice } from './policy-choice.js';
import { scaledWeights } from './weights.js';
import type { Maintenance } from './maintenance.js';

/** The hook's event: ifupdown is bringing `device` up or taking it down. */
export interface HookEvent {
  device: string;
  mode: 'start' | 'stop';
}

export type UplinkStatus = 'up' | 'down' | 'unconfigured';

export interface UplinkState {
  uplink: UplinkConfig;
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
}

/** What the kernel should hold: what a diff plans towards, and what a read-back is compared
 *  with. */
export interface KernelTarget {
  rules: Rule[];
  /** Every route of every configured uplink table. */
  tableRoutes: Route[];
  /** The main table's default route at the tool's metric; undefined when no uplink is up. */
  mainDefault?: Route;
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
}

/** Metric of the prohibit default that keeps an uplink's traffic from leaking to another when its route is gone. */
const FALLBACK_METRIC = 4000000000;

/** The default route a DHCP client (or anyone but uplink-lb) installed in the main table
 *  through this device: udhcpc always installs one, dhcpcd at metric 1000 + ifindex; pppd's
 *  (its `defaultroute` option) goes by device, with no gateway. */
function clientDefaultRoute(observed: Observed, device: string, byDevice = false): Route | undefined {
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

function resolveUplink(uplink: UplinkConfig, observed: Observed, leases: ReadonlyMap<string, Lease>, event: HookEvent | undefined, onlink: boolean): UplinkState {
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

/** The uplink's own address (a /32, never its network: two ISPs' modems often hand out the same
 *  network, and a rule for the whole network would send the other uplink's traffic here), at
 *  the uplink's priority. */
function sourceRule(s: UplinkState): Rule {
  const { uplink } = s;
  return { priority: uplink.priority, table: uplink.table, protocol: PROTOCOL, src: s.address ?? 'all', srclen: 32, extra: [] };
}

/** The uplink's mark, ahead of every source rule (`markPriority`): a connection that a policy
 *  moved to this uplink after its socket had taken another uplink's address (the router's own)
 *  still leaves here, whichever uplink's priority is lower; uplink-lb's nftables table then
 *  gives it this uplink's address. Marks are unique, so the mark rules never compete. */
function markRule(s: UplinkState, markPriority: number): Rule {
  const { uplink } = s;
  return { priority: markPriority, table: uplink.table, protocol: PROTOCOL, src: 'all', srclen: 0, fwmark: uplink.mark, fwmask: 0xffffffff, extra: [] };
}

/** Where the rules go, below the lowest configured priority: the mark rules just before it, and
 *  the main table without its default route before them, so that connected
 *  networks and the LAN win over a connection's mark or an uplink's source address (replies to
 *  the LAN must not follow a mark out of a WAN). */
export function rulePriorities(config: Config): { mark: number; connected: number } {
  const lowest = Math.min(...config.uplinks.map((u) => u.priority));
  return { mark: lowest - 1, connected: lowest - 2 };
}

function connectedFirstRule(priority: number): Rule {
  return { priority, table: MAIN_TABLE, protocol: PROTOCOL, src: 'all', srclen: 0, suppressPrefixlength: 0, extra: [] };
}

/** A route by device (a point-to-point link's): link scope, as `ip route` gives it, and never
 *  onlink (the kernel refuses onlink without a gateway). */
const byDevice = { scope: 253, onlink: false } as const;

function uplinkTableRoutes(s: UplinkState, config: Config): Route[] {
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

/** Nexthop weights: the configured ones, scaled while an uplink is degraded (the kernel takes
 *  up to 256). */
function routeWeights(active: readonly UplinkState[], factors: ReadonlyMap<string, number>): number[] {
  return scaledWeights(active.map((s) => s.uplink.weight), active.map((s) => factors.get(s.uplink.device) ?? 1), 256);
}

function mainDefault(active: UplinkState[], config: Config): Route | undefined {
  if (active.length === 0) return undefined;
  const options = config.routeOptions;
  // always uplink-lb's protocol (ROUTE_OPTIONS' proto goes to the table routes): it is what
  // marks the route as uplink-lb's at any metric
  const route: Route = { table: MAIN_TABLE, type: 'unicast', dst: 'default', metric: config.metric, protocol: PROTOCOL, scope: 0, onlink: false, metrics: { ...options.metrics } };
  const hops: Nexthop[] = active.map((s) => {
    const weight = s.routeWeight ?? s.uplink.weight;
    return s.gateway ? { gateway: s.gateway, dev: s.uplink.device, weight, onlink: options.onlink } : { dev: s.uplink.device, weight, onlink: false };
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

/** The uplinks of the lowest tier among `uplinks`. */
function bestTier(uplinks: UplinkState[]): UplinkState[] {
  const tier = Math.min(...uplinks.map((s) => s.uplink.tier));
  return uplinks.filter((s) => s.uplink.tier === tier);
}

/** The uplinks for the default route: the healthy ones of the lowest tier that has any (the
 *  healthy ones of higher tiers wait on standby), or fail open when none is healthy. */
function routeUplinks(up: UplinkState[], drained: ReadonlySet<string>): { members: UplinkState[]; healthy: UplinkState[]; failOpen: boolean } {
  const healthy = up.filter((s) => !drained.has(s.uplink.device));
  if (healthy.length > 0 || up.length === 0) return { members: healthy.length > 0 ? bestTier(healthy) : [], healthy, failOpen: false };
  // Every uplink fails its probes: the probe targets are the likelier culprits. Keep the
  // uplinks that have carrier (all of them if none has), of the lowest tier among them,
  // rather than leave no default route.
  const withCarrier = up.filter((s) => s.carrier !== false);
  return { members: bestTier(withCarrier.length > 0 ? withCarrier : up), healthy, failOpen: true };
}

/** Client default routes that would win over the balanced route (a lower metric) on uplinks
 *  whose gateway is `auto`, and the gateways to record before they go. A client route at a
 *  higher metric (dhcpcd's 1000 + ifindex) is left alone: it never wins while the balanced
 *  route exists, and it keeps the router online if uplink-lb cannot run. */
function takeovers(uplinks: readonly UplinkState[], observed: Observed, leases: ReadonlyMap<string, Lease>, metric: number): { takeover: Route[]; learned: Lease[] } {
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
  const priorities = rulePriorities(config);
  const rules = [...up.map((s) => markRule(s, priorities.mark)), ...up.map(sourceRule)];
  if (up.length > 0) rules.unshift(connectedFirstRule(priorities.connected));
  const { takeover, learned } = takeovers(uplinks, observed, inputs.leases, config.metric);
  const target: KernelTarget = { rules, tableRoutes: up.flatMap((s) => uplinkTableRoutes(s, config)), takeover };
  const route = mainDefault(members, config);
  if (route) target.mainDefault = route;
  // a policy's uplink carries it whenever it is usable, on standby or not
  const policies = config.pinning ? choosePolicies(config, new Set([...members, ...healthy].map((s) => s.uplink.device)), inputs.factors ?? new Map()) : [];
  // 0 and 2 hash the addresses only (2: the inner ones of a tunnel); 1 and 3 the ports too
  const perConnection = config.hashPolicy ? config.hashPolicy === 'l4' : inputs.multipathHash === 1 || inputs.multipathHash === 3;
  const addresses = new Map(up.flatMap((s) => (s.address ? [[s.uplink.device, s.address] as const] : [])));
  if (inputs.nft) target.nft = config.pinning ? buildRuleset(config, policies, perConnection, addresses) : null;
  return { target, scope: scopeOf(config, observed), uplinks, failOpen, learned, policies };
}
