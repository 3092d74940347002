// diff(target, scope, Observed) -> Plan: the changes that turn what is into what should be,
// touching only what uplink-lb owns. Pure.
import type { Family, NexthopObject, Observed, ObservedNft, Route, Rule } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import type { KernelTarget } from './desired.js';
import { addressArgs, addressText, nexthopArgs, nexthopText, routeArgs, routeKey, routeText, ruleSelector, ruleText } from './describe.js';
import { lanKey, type LanAddress } from './lan-prefixes.js';
import { diffNft } from './nft-diff.js';
import { ownsNexthop, ownsRoute, ownsRule, type Scope } from './ownership.js';

interface Described {
  action: 'add' | 'replace' | 'delete';
  /** The object as desired (add, replace) or as found (delete). */
  text: string;
  /** For replace: the object as found. */
  was?: string;
}

/** A rule, route or nexthop object: one `ip -batch` line. */
export interface IpChange extends Described {
  what: 'rule' | 'route' | 'nexthop' | 'address';
  /** The object's family: an IPv6 rule or route runs under `ip -6` (a nexthop object of
   *  either family runs without a family: see render.ts). */
  family: Family;
  command: string;
}

/** uplink-lb's nftables table, replaced as a whole in one transaction. */
export interface NftTableChange extends Described {
  what: 'nft table';
  /** The `nft -f` text that creates the table; absent when the table goes. */
  ruleset?: string;
}

export type Change = IpChange | NftTableChange;

export interface Plan {
  changes: Change[];
}

/** What a diff plans towards: the kernel target, within what uplink-lb owns. */
export interface Goal {
  target: KernelTarget;
  scope: Scope;
}

function diffRules(want: readonly Rule[], have: readonly Rule[], family: Family): { add: IpChange[]; remove: IpChange[] } {
  const remaining = new Map<string, number>();
  for (const rule of have.filter(ownsRule)) remaining.set(ruleText(rule), (remaining.get(ruleText(rule)) ?? 0) + 1);
  const add: IpChange[] = [];
  for (const rule of want) {
    const text = ruleText(rule);
    const count = remaining.get(text) ?? 0;
    if (count > 0) remaining.set(text, count - 1);
    else add.push({ action: 'add', what: 'rule', family, text, command: ['rule', 'add', ...ruleSelector(rule)].join(' ') });
  }
  const remove: IpChange[] = [];
  for (const rule of have.filter(ownsRule)) {
    const text = ruleText(rule);
    const count = remaining.get(text) ?? 0;
    if (count === 0) continue;
    remaining.set(text, count - 1);
    remove.push({ action: 'delete', what: 'rule', family, text, command: ['rule', 'del', ...ruleSelector(rule)].join(' ') });
  }
  return { add, remove };
}

function diffRoutes(want: readonly Route[], have: readonly Route[], family: Family): { put: IpChange[]; remove: IpChange[] } {
  const haveByKey = new Map<string, Route[]>();
  for (const route of have) {
    const key = routeKey(route).join(' ');
    haveByKey.set(key, [...(haveByKey.get(key) ?? []), route]);
  }
  const put: IpChange[] = [];
  const wanted = new Set<string>();
  for (const route of want) {
    const key = routeKey(route).join(' ');
    wanted.add(key);
    const text = routeText(route);
    const found = haveByKey.get(key) ?? [];
    const command = ['route', 'replace', ...routeArgs(route)].join(' ');
    // Duplicates (appended by someone else at our key) go first; the replace then keeps one.
    for (const extra of found.slice(1)) {
      put.push({ action: 'delete', what: 'route', family, text: routeText(extra), command: ['route', 'del', ...routeKey(extra)].join(' ') });
    }
    if (found.length === 0) put.push({ action: 'add', what: 'route', family, text, command });
    else if (found.length > 1 || routeText(found[0] as Route) !== text) {
      put.push({ action: 'replace', what: 'route', family, text, was: found.map(routeText).join(' | '), command });
    }
  }
  const remove: IpChange[] = [];
  for (const route of have) {
    const key = routeKey(route).join(' ');
    if (wanted.has(key)) continue;
    remove.push({ action: 'delete', what: 'route', family, text: routeText(route), command: ['route', 'del', ...routeKey(route)].join(' ') });
  }
  return { put, remove };
}

/** uplink-lb's nexthop objects: singles to put before the routes that use them, then groups
 *  (whose members must exist); after the routes have let go of them, groups to delete, then
 *  singles (a single still in a group would leave it, a group first changes without it). */
function diffNexthops(want: readonly NexthopObject[], have: readonly NexthopObject[], family: Family): { put: IpChange[]; remove: IpChange[] } {
  const found = new Map(have.filter(ownsNexthop).map((n) => [n.id, n]));
  const put = (objects: readonly NexthopObject[]): IpChange[] =>
    objects.flatMap((object) => {
      const was = found.get(object.id);
      const text = nexthopText(object);
      if (was && nexthopText(was) === text) return [];
      const command = ['nexthop', 'replace', ...nexthopArgs(object)].join(' ');
      return [was ? { action: 'replace', what: 'nexthop', family, text, was: nexthopText(was), command } : { action: 'add', what: 'nexthop', family, text, command }];
    });
  const wanted = new Set(want.map((n) => n.id));
  const gone = [...found.values()].filter((n) => !wanted.has(n.id));
  const remove = (objects: readonly NexthopObject[]): IpChange[] =>
    objects.map((n) => ({ action: 'delete', what: 'nexthop', family, text: nexthopText(n), command: `nexthop del id ${n.id}` }));
  return {
    put: [...put(want.filter((n) => !n.group)), ...put(want.filter((n) => n.group))],
    remove: [...remove(gone.filter((n) => n.group)), ...remove(gone.filter((n) => !n.group))],
  };
}

/** IPv6 LAN addresses: each wanted one put (added, or its lifetimes replaced when preferred or
 *  deprecated differs); each one uplink-lb added that is no longer wanted deleted. */
function diffAddresses(want: readonly LanAddress[], observed: Observed, owned: readonly string[]): { put: IpChange[]; remove: IpChange[] } {
  const found = new Map(observed.addresses.filter((a) => a.prefix === 64).map((a) => [lanKey(a), a]));
  const put: IpChange[] = [];
  for (const a of want) {
    const was = found.get(lanKey(a));
    const text = addressText(a);
    const command = ['address', 'replace', ...addressArgs(a)].join(' ');
    if (!was) put.push({ action: 'add', what: 'address', family: 'inet6', text, command });
    else if ((was.deprecated === true) === a.preferred) {
      put.push({ action: 'replace', what: 'address', family: 'inet6', text, was: addressText({ ...a, preferred: was.deprecated !== true }), command });
    }
  }
  const wanted = new Set(want.map(lanKey));
  const remove: IpChange[] = owned
    .filter((key) => found.has(key) && !wanted.has(key))
    .map((key) => {
      const a = found.get(key) as NonNullable<ReturnType<typeof found.get>>;
      return { action: 'delete', what: 'address', family: 'inet6', text: addressText({ address: a.address, device: a.device, preferred: a.deprecated !== true }), command: `address del ${key}` };
    });
  return { put, remove };
}

function sameClientRoute(a: Route, b: Route): boolean {
  return a.table === b.table && a.dst === b.dst && a.metric === b.metric && a.dev === b.dev && a.gateway === b.gateway && a.protocol === b.protocol;
}

/** A DHCP client's (or pppd's) default route on an uplink, named exactly (device and gateway
 *  too), so that no other default route at that metric goes with it. */
function takeoverChange(route: Route): IpChange {
  const args = ['default', ...(route.gateway ? ['via', route.gateway] : []), 'dev', route.dev ?? '', 'table', String(route.table), 'metric', String(route.metric)];
  return { action: 'delete', what: 'route', family: 'inet', text: `${routeText(route)} (a DHCP client's, taken over)`, command: ['route', 'del', ...args].join(' ') };
}

/** What one family holds when uplink-lb wants nothing of it. */
const NOTHING: KernelTarget = { rules: [], tableRoutes: [], takeover: [], nexthops: [] };

/** One family's changes: nexthop objects to put, then rules and routes in the order they can
 *  be applied, then nexthop objects to remove. */
function diffFamily(target: KernelTarget, scope: Scope, observed: Observed, family: Family): { put: IpChange[]; changes: IpChange[]; remove: IpChange[] } {
  const owned = observed.routes.filter((r) => ownsRoute(r, scope));
  const tableRoutes = diffRoutes(target.tableRoutes, owned.filter((r) => r.table !== MAIN_TABLE), family);
  const main = diffRoutes([...(target.mainDefault ? [target.mainDefault] : []), ...(target.mainRoutes ?? [])], owned.filter((r) => r.table === MAIN_TABLE), family);
  const rules = diffRules(target.rules, observed.rules, family);
  const nexthops = diffNexthops(target.nexthops, observed.nexthops ?? [], family);
  // Order: make tables ready, point rules at them, move the default route, then clean up.
  // The default route is replaced in one step, never deleted and re-added.
  // A client's route that would win goes once the balanced route is in place (if it is there:
  // the same desired state also verifies the result).
  const takeover = target.takeover.filter((r) => observed.routes.some((o) => sameClientRoute(o, r))).map(takeoverChange);
  // IPv6 LAN addresses (their /64 routes) before the rules that send their prefixes out, and
  // gone after
  const addresses = diffAddresses(target.addresses ?? [], observed, family === 'inet6' ? (scope.ownedAddresses ?? []) : []);
  return { put: nexthops.put, changes: [...addresses.put, ...tableRoutes.put, ...rules.add, ...main.put, ...takeover, ...main.remove, ...rules.remove, ...tableRoutes.remove, ...addresses.remove], remove: nexthops.remove };
}

/** The rules, routes and nexthop objects to change, in the order they can be applied: nexthop
 *  objects come before the routes that use them and go after; IPv4's changes, then IPv6's
 *  (where the kernel has IPv6: what uplink-lb owns there goes when the target wants none). */
export function diff({ target, scope }: Goal, observed: Observed): { changes: IpChange[] } {
  const four = diffFamily(target, scope, observed, 'inet');
  if (!observed.inet6) return { changes: [...four.put, ...four.changes, ...four.remove] };
  const six = diffFamily(target.inet6 ?? NOTHING, scope, observed.inet6, 'inet6');
  return { changes: [...four.put, ...six.put, ...four.changes, ...six.changes, ...four.remove, ...six.remove] };
}

/** Rules and routes, then the nftables table when the target says what it should hold (and
 *  nft was read). */
export function planTowards(goal: Goal, observed: Observed, nft: ObservedNft | undefined): Plan {
  const plan: Plan = diff(goal, observed);
  if (goal.target.nft !== undefined && nft) {
    const change = diffNft(goal.target.nft ?? undefined, nft);
    if (change) plan.changes.push(change);
  }
  return plan;
}
