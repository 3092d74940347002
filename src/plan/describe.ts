// Canonical text of rules and routes: the same object always prints the same way, so text
// equality is object equality, and the text doubles as the `ip` arguments that create it.
import type { Nexthop, NexthopObject, Route, Rule } from '../kernel/types.js';
import { hex } from '../util/hex.js';

export function ruleSelector(rule: Rule): string[] {
  const args = ['priority', String(rule.priority)];
  if (rule.src !== 'all') args.push('from', `${rule.src}/${rule.srclen}`);
  if (rule.fwmark !== undefined) {
    args.push('fwmark', rule.fwmask === undefined || rule.fwmask === 0xffffffff ? hex(rule.fwmark) : `${hex(rule.fwmark)}/${hex(rule.fwmask)}`);
  }
  args.push('lookup', String(rule.table));
  if (rule.suppressPrefixlength !== undefined) args.push('suppress_prefixlength', String(rule.suppressPrefixlength));
  args.push('protocol', String(rule.protocol));
  return args;
}

/** The rule as text; extra selectors (never set by uplink-lb) are appended so such a rule never equals a desired one. */
export function ruleText(rule: Rule): string {
  return [...ruleSelector(rule), ...rule.extra].join(' ');
}

function metricArgs(metrics: Route['metrics']): string[] {
  const args: string[] = [];
  for (const key of Object.keys(metrics).sort()) {
    const value = metrics[key];
    if (key === 'ecn') args.push('features', 'ecn');
    else if (key === 'congestion') args.push('congctl', String(value));
    else args.push(key, String(value));
  }
  return args;
}

function hopArgs(hop: Nexthop): string[] {
  const args = ['nexthop', ...(hop.gateway ? ['via', hop.gateway] : []), 'dev', hop.dev, 'weight', String(hop.weight)];
  if (hop.onlink) args.push('onlink');
  return args;
}

/**
 * What identifies a route for the kernel: `ip route replace` swaps the route with the same
 * destination, table and metric whatever its type, and `ip route del` with no type names it.
 */
export function routeKey(route: Route): string[] {
  return [route.dst, 'table', String(route.table), 'metric', String(route.metric)];
}

/** The full arguments of `ip route replace` for this route. */
export function routeArgs(route: Route): string[] {
  const args: string[] = route.type === 'unicast' ? [] : [route.type];
  args.push(...routeKey(route));
  args.push('proto', String(route.protocol));
  if (route.scope !== 0) args.push('scope', String(route.scope));
  // through a nexthop object: the route is its id (ip also lists the object's gateway and
  // device on it, which are the object's)
  if (route.nhid !== undefined) return [...args, 'nhid', String(route.nhid), ...metricArgs(route.metrics)];
  if (route.nexthops) {
    args.push(...metricArgs(route.metrics));
    for (const hop of route.nexthops) args.push(...hopArgs(hop));
    return args;
  }
  if (route.gateway) args.push('via', route.gateway);
  if (route.dev) args.push('dev', route.dev);
  if (route.prefsrc) args.push('src', route.prefsrc);
  if (route.onlink) args.push('onlink');
  args.push(...metricArgs(route.metrics));
  return args;
}

export function routeText(route: Route): string {
  return routeArgs(route).join(' ');
}

/** The arguments of `ip nexthop replace` (and, whole, the object's canonical text): `id N`,
 *  then a gateway and device or a group (every member with its weight), the protocol, and what
 *  uplink-lb never sets appended so that such an object never equals a desired one. */
export function nexthopArgs(object: NexthopObject): string[] {
  const args = ['id', String(object.id)];
  if (object.group) args.push('group', object.group.map((m) => `${m.id},${m.weight}`).join('/'));
  else {
    if (object.gateway) args.push('via', object.gateway);
    if (object.dev) args.push('dev', object.dev);
    if (object.onlink) args.push('onlink');
  }
  args.push('proto', String(object.protocol));
  return args;
}

export function nexthopText(object: NexthopObject): string {
  return [...nexthopArgs(object), ...object.extra].join(' ');
}

/** An IPv6 LAN address as `ip -6 address replace` takes it: preferred (lifetimes forever) or
 *  deprecated (preferred lifetime 0: hosts keep the prefix's addresses for the connections they
 *  have, and start none from it). */
export function addressArgs(a: { address: string; device: string; preferred: boolean }): string[] {
  return [`${a.address}/64`, 'dev', a.device, 'preferred_lft', a.preferred ? 'forever' : '0', 'valid_lft', 'forever'];
}

export function addressText(a: { address: string; device: string; preferred: boolean }): string {
  return `${a.address}/64 dev ${a.device} ${a.preferred ? 'preferred' : 'deprecated'}`;
}
