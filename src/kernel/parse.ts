// Parses `ip -j -N` JSON into the kernel model. Entries that lack what the model needs are
// skipped and reported, never guessed at.
import type { Address, Family, Link, Nexthop, NexthopObject, Observed, Route, RouteType, Rule } from './types.js';
import { MAIN_TABLE } from './tables.js';

type Json = Record<string, unknown>;

const RTPROT_BOOT = 3;

export class ParseError extends Error {}

/** An entry as short JSON, for messages. */
function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function asArray(text: string, what: string, skipped: string[]): Json[] {
  let value: unknown;
  try {
    value = JSON.parse(text === '' ? '[]' : text);
  } catch (err) {
    throw new ParseError(`${what}: output is not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) throw new ParseError(`${what}: expected a JSON array`);
  const entries = value.filter((v): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v));
  if (entries.length < value.length) skipped.push(`${what}: ${value.length - entries.length} entries that are not objects`);
  return entries;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
  return undefined;
};
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function parseLinks(text: string, skipped: string[] = []): Link[] {
  const links: Link[] = [];
  for (const entry of asArray(text, 'ip link', skipped)) {
    const name = str(entry.ifname);
    if (!name) {
      skipped.push(`ip link: an entry without ifname: ${brief(entry)}`);
      continue;
    }
    const flags = strings(entry.flags);
    const link: Link = { name, up: flags.includes('UP'), carrier: flags.includes('LOWER_UP') };
    if (flags.includes('POINTOPOINT')) link.pointToPoint = true;
    links.push(link);
  }
  return links;
}

/** An IPv6 address's state, as far as it is not the default. Not its lifetimes: they count
 *  down each second and are renewed by every router advertisement, and an observation is
 *  compared with the last one to see whether anything moved. */
function ipv6Details(info: Json): Partial<Address> {
  const details: Partial<Address> = {};
  if (info.deprecated === true) details.deprecated = true;
  if (info.tentative === true || info.dadfailed === true) details.tentative = true;
  if (info.temporary === true) details.temporary = true;
  return details;
}

/** The global addresses of one family (link-local and host addresses are not an uplink's). */
export function parseAddresses(text: string, skipped: string[] = [], family: Family = 'inet'): Address[] {
  const out: Address[] = [];
  const name = family === 'inet' ? 'IPv4' : 'IPv6';
  for (const entry of asArray(text, 'ip addr', skipped)) {
    const device = str(entry.ifname);
    if (!device || !Array.isArray(entry.addr_info)) continue;
    for (const info of entry.addr_info as Json[]) {
      const address = str(info?.local);
      const prefix = num(info?.prefixlen);
      if (info?.family !== family) continue;
      if (!address || prefix === undefined) {
        skipped.push(`ip addr: an ${name} address of ${device} without local or prefixlen: ${brief(info)}`);
        continue;
      }
      // -N prints the scope as a number: 0 is global (universe)
      if (info.scope !== undefined && info.scope !== 'global' && info.scope !== '0' && info.scope !== 0) continue;
      if (family === 'inet6') {
        out.push({ device, address, prefix, ...ipv6Details(info) });
        continue;
      }
      // a point-to-point address names its other end as `address` (ip addr's `peer`)
      const peer = str(info.address);
      out.push(peer && peer !== address ? { device, address, prefix, peer } : { device, address, prefix });
    }
  }
  return out;
}

const RULE_KNOWN = new Set(['priority', 'src', 'srclen', 'table', 'protocol', 'fwmark', 'fwmask', 'suppress_prefixlen']);

export function parseRules(text: string, skipped: string[] = [], family: Family = 'inet'): Rule[] {
  const host = family === 'inet' ? 32 : 128;
  const rules: Rule[] = [];
  for (const entry of asArray(text, 'ip rule', skipped)) {
    const priority = num(entry.priority);
    const table = num(entry.table);
    if (priority === undefined || table === undefined) {
      // rules with other actions (blackhole, goto, nop) have no table: foreign, and kept as they are
      if (priority === undefined || entry.action === undefined) skipped.push(`ip rule: an entry without priority or table: ${brief(entry)}`);
      continue;
    }
    const src = str(entry.src) ?? 'all';
    const rule: Rule = {
      priority,
      table,
      protocol: num(entry.protocol) ?? 0,
      src,
      srclen: num(entry.srclen) ?? (src === 'all' ? 0 : host),
      extra: Object.keys(entry)
        .filter((k) => !RULE_KNOWN.has(k))
        .map((k) => `${k}=${JSON.stringify(entry[k])}`),
    };
    const suppress = num(entry.suppress_prefixlen);
    if (suppress !== undefined) rule.suppressPrefixlength = suppress;
    const fwmark = num(entry.fwmark);
    if (fwmark !== undefined) {
      rule.fwmark = fwmark;
      rule.fwmask = num(entry.fwmask) ?? 0xffffffff;
    }
    rules.push(rule);
  }
  return rules;
}

const TYPES: Record<string, RouteType> = { '1': 'unicast', '6': 'blackhole', '7': 'unreachable', '8': 'prohibit' };

function parseNexthops(value: unknown, skipped: string[]): Nexthop[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const hops: Nexthop[] = [];
  for (const hop of value as Json[]) {
    const gateway = str(hop?.gateway);
    const dev = str(hop?.dev);
    if (!dev) {
      skipped.push(`ip route: a nexthop without dev: ${brief(hop)}`);
      continue;
    }
    // a nexthop by device only: a point-to-point link's
    const weight = num(hop.weight) ?? 1;
    const onlink = strings(hop.flags).includes('onlink');
    hops.push(gateway ? { gateway, dev, weight, onlink } : { dev, weight, onlink });
  }
  return hops;
}

export function parseRoutes(text: string, skipped: string[] = []): Route[] {
  const routes: Route[] = [];
  for (const entry of asArray(text, 'ip route', skipped)) {
    const dst = str(entry.dst);
    if (!dst) {
      skipped.push(`ip route: an entry without dst: ${brief(entry)}`);
      continue;
    }
    const typeText = str(entry.type) ?? '1';
    const route: Route = {
      table: num(entry.table) ?? MAIN_TABLE,
      type: TYPES[typeText] ?? 'other',
      dst,
      metric: num(entry.metric) ?? 0,
      // ip prints no protocol for RTPROT_BOOT (3), what `ip route add` gives by default
      protocol: num(entry.protocol) ?? RTPROT_BOOT,
      scope: num(entry.scope) ?? 0,
      onlink: strings(entry.flags).includes('onlink'),
      metrics: {},
    };
    const gateway = str(entry.gateway);
    const dev = str(entry.dev);
    const prefsrc = str(entry.prefsrc);
    if (gateway) route.gateway = gateway;
    // IPv6 lists an unreachable, prohibit or blackhole route on `lo`, which it was never given
    if (dev && !(dev === 'lo' && route.type !== 'unicast' && route.type !== 'other')) route.dev = dev;
    if (prefsrc) route.prefsrc = prefsrc;
    const nexthops = parseNexthops(entry.nexthops, skipped);
    if (nexthops) route.nexthops = nexthops;
    const nhid = num(entry.nhid);
    if (nhid !== undefined) route.nhid = nhid;
    const metrics = Array.isArray(entry.metrics) ? (entry.metrics[0] as Json | undefined) : undefined;
    for (const [key, value] of Object.entries(metrics ?? {})) {
      if (typeof value === 'number' || typeof value === 'string' || value === null) route.metrics[key] = value;
    }
    routes.push(route);
  }
  return routes;
}

/** `ip -j -N nexthop show`: single nexthops and groups. */
export function parseNexthopObjects(text: string, skipped: string[] = []): NexthopObject[] {
  const objects: NexthopObject[] = [];
  for (const entry of asArray(text, 'ip nexthop', skipped)) {
    const id = num(entry.id);
    if (id === undefined) {
      skipped.push(`ip nexthop: an entry without id: ${brief(entry)}`);
      continue;
    }
    const flags = strings(entry.flags);
    const object: NexthopObject = { id, protocol: num(entry.protocol) ?? RTPROT_BOOT, onlink: flags.includes('onlink'), extra: [] };
    const gateway = str(entry.gateway);
    const dev = str(entry.dev);
    if (gateway) object.gateway = gateway;
    if (dev) object.dev = dev;
    if (Array.isArray(entry.group)) {
      object.group = [];
      for (const member of entry.group as Json[]) {
        const memberId = num(member?.id);
        if (memberId === undefined) object.extra.push(`member ${brief(member)}`);
        else object.group.push({ id: memberId, weight: num(member.weight) ?? 1 });
      }
    }
    for (const key of ['blackhole', 'fdb', 'encap', 'type']) if (entry[key] !== undefined && entry[key] !== 'mpath') object.extra.push(`${key} ${brief(entry[key])}`);
    object.extra.push(...flags.filter((f) => f !== 'onlink' && f !== 'linkdown' && f !== 'dead'));
    objects.push(object);
  }
  return objects;
}

export interface RawObservation {
  links: string;
  addresses: string;
  rules: string;
  routes: string;
  /** Absent: not read (no nexthop objects here). */
  nexthops?: string;
}

export function parseObservation(raw: RawObservation, family: Family = 'inet'): Observed {
  const skipped: string[] = [];
  const observed: Observed = {
    links: parseLinks(raw.links, skipped),
    addresses: parseAddresses(raw.addresses, skipped, family),
    rules: parseRules(raw.rules, skipped, family),
    routes: parseRoutes(raw.routes, skipped),
  };
  if (raw.nexthops !== undefined) observed.nexthops = parseNexthopObjects(raw.nexthops, skipped);
  if (skipped.length > 0) observed.skipped = [...new Set(skipped)];
  return observed;
}
