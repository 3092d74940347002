// diff(Desired, Observed) -> Plan: the ip commands that turn what is into what should be,
// touching only what uplink-lb owns. Pure.
import type { Observed, Route, Rule } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/types.js';
import { PROTOCOL } from '../paths.js';
import type { Desired } from './desired.js';
import { routeArgs, routeKey, routeText, ruleSelector, ruleText } from './describe.js';

export interface Change {
  action: 'add' | 'replace' | 'delete';
  what: 'rule' | 'route' | 'nft table';
  /** The object as desired (add, replace) or as found (delete). */
  text: string;
  /** For replace: the object as found. */
  was?: string;
  /** One `ip -batch` line; for the nft table, the `nft -f` input that creates it (empty: delete). */
  command: string;
}

export interface Plan {
  changes: Change[];
}

export function ownsRule(rule: Rule): boolean {
  return rule.protocol === PROTOCOL;
}

/** In the main table: the default route at the configured metric, and any default route of
 *  uplink-lb's protocol whatever its metric (one left at a former DEFAULT_ROUTE_METRIC would
 *  otherwise stay, and could win). */
export function ownsRoute(route: Route, desired: Pick<Desired, 'ownedTables' | 'metric'>): boolean {
  if (route.table === MAIN_TABLE) return route.dst === 'default' && (route.metric === desired.metric || route.protocol === PROTOCOL);
  return desired.ownedTables.includes(route.table);
}

function diffRules(want: readonly Rule[], have: readonly Rule[]): { add: Change[]; remove: Change[] } {
  const remaining = new Map<string, number>();
  for (const rule of have.filter(ownsRule)) remaining.set(ruleText(rule), (remaining.get(ruleText(rule)) ?? 0) + 1);
  const add: Change[] = [];
  for (const rule of want) {
    const text = ruleText(rule);
    const count = remaining.get(text) ?? 0;
    if (count > 0) remaining.set(text, count - 1);
    else add.push({ action: 'add', what: 'rule', text, command: ['rule', 'add', ...ruleSelector(rule)].join(' ') });
  }
  const remove: Change[] = [];
  for (const rule of have.filter(ownsRule)) {
    const text = ruleText(rule);
    const count = remaining.get(text) ?? 0;
    if (count === 0) continue;
    remaining.set(text, count - 1);
    remove.push({ action: 'delete', what: 'rule', text, command: ['rule', 'del', ...ruleSelector(rule)].join(' ') });
  }
  return { add, remove };
}

function diffRoutes(want: readonly Route[], have: readonly Route[]): { put: Change[]; remove: Change[] } {
  const haveByKey = new Map<string, Route[]>();
  for (const route of have) {
    const key = routeKey(route).join(' ');
    haveByKey.set(key, [...(haveByKey.get(key) ?? []), route]);
  }
  const put: Change[] = [];
  const wanted = new Set<string>();
  for (const route of want) {
    const key = routeKey(route).join(' ');
    wanted.add(key);
    const text = routeText(route);
    const found = haveByKey.get(key) ?? [];
    const command = ['route', 'replace', ...routeArgs(route)].join(' ');
    // Duplicates (appended by someone else at our key) go first; the replace then keeps one.
    for (const extra of found.slice(1)) {
      put.push({ action: 'delete', what: 'route', text: routeText(extra), command: ['route', 'del', ...routeKey(extra)].join(' ') });
    }
    if (found.length === 0) put.push({ action: 'add', what: 'route', text, command });
    else if (found.length > 1 || routeText(found[0] as Route) !== text) {
      put.push({ action: 'replace', what: 'route', text, was: found.map(routeText).join(' | '), command });
    }
  }
  const remove: Change[] = [];
  for (const route of have) {
    const key = routeKey(route).join(' ');
    if (wanted.has(key)) continue;
    remove.push({ action: 'delete', what: 'route', text: routeText(route), command: ['route', 'del', ...routeKey(route)].join(' ') });
  }
  return { put, remove };
}

function sameClientRoute(a: Route, b: Route): boolean {
  return a.table === b.table && a.dst === b.dst && a.metric === b.metric && a.dev === b.dev && a.gateway === b.gateway && a.protocol === b.protocol;
}

/** A DHCP client's default route on an uplink, named exactly (device and gateway too), so that
 *  no other default route at that metric goes with it. */
function takeoverChange(route: Route): Change {
  const args = ['default', 'via', route.gateway ?? '', 'dev', route.dev ?? '', 'table', String(route.table), 'metric', String(route.metric)];
  return { action: 'delete', what: 'route', text: `${routeText(route)} (a DHCP client's, taken over)`, command: ['route', 'del', ...args].join(' ') };
}

export function diff(desired: Desired, observed: Observed): Plan {
  const owned = observed.routes.filter((r) => ownsRoute(r, desired));
  const tableRoutes = diffRoutes(desired.tableRoutes, owned.filter((r) => r.table !== MAIN_TABLE));
  const main = diffRoutes(desired.mainDefault ? [desired.mainDefault] : [], owned.filter((r) => r.table === MAIN_TABLE));
  const rules = diffRules(desired.rules, observed.rules);
  // Order: make tables ready, point rules at them, move the default route, then clean up.
  // The default route is replaced in one step, never deleted and re-added.
  // A client's route that would win goes once the balanced route is in place (if it is there:
  // the same desired state also verifies the result).
  const takeover = desired.takeover.filter((r) => observed.routes.some((o) => sameClientRoute(o, r))).map(takeoverChange);
  return { changes: [...tableRoutes.put, ...rules.add, ...main.put, ...takeover, ...main.remove, ...rules.remove, ...tableRoutes.remove] };
}
