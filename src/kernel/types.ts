// What uplink-lb sees of the kernel, normalised from `ip -j -N` output.

/** An address family: IPv4 (`inet`) or IPv6 (`inet6`). The kernel keeps rules, routes and
 *  nexthop objects per family; uplink-lb reads and changes each family with an `ip` run of its
 *  own (`ip -6 -batch` for IPv6: a batch line cannot name its family). */
export type Family = 'inet' | 'inet6';

export interface Link {
  name: string;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** Carrier present (IFF_LOWER_UP). */
  carrier: boolean;
  /** A point-to-point link (IFF_POINTOPOINT: ppp): its routes go by device, with no gateway. */
  pointToPoint?: boolean;
}

export interface Address {
  device: string;
  address: string;
  prefix: number;
  /** The other end of a point-to-point link (`peer`), when it is not the address itself. */
  peer?: string;
  /** IPv6: preferred lifetime 0 (hosts start no new connection from it). */
  deprecated?: boolean;
  /** IPv6: still in duplicate address detection (not usable yet). */
  tentative?: boolean;
  /** IPv6: a privacy address (RFC 8981), which changes. */
  temporary?: boolean;
}

export interface Rule {
  priority: number;
  table: number;
  protocol: number;
  /** "all" or an address. */
  src: string;
  srclen: number;
  fwmark?: number;
  fwmask?: number;
  /** suppress_prefixlength: ignore routes with this prefix length or shorter in the table. */
  suppressPrefixlength?: number;
  /** Selectors or actions uplink-lb never sets (iif, oif, dst, not, ...): such a rule is never "as desired". */
  extra: string[];
}

export interface Nexthop {
  /** Absent for a point-to-point link's nexthop (by device). */
  gateway?: string;
  dev: string;
  weight: number;
  onlink: boolean;
}

export type RouteType = 'unicast' | 'prohibit' | 'blackhole' | 'unreachable' | 'other';

export interface Route {
  table: number;
  type: RouteType;
  /** "default" or "a.b.c.d/len". */
  dst: string;
  metric: number;
  protocol: number;
  /** rt_scope number: 0 universe, 253 link. */
  scope: number;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
  onlink: boolean;
  /** The nexthop object the route uses (`nhid`). ip also lists that object's gateway, device or
   *  members on the route (kept for status), but the route is the id. */
  nhid?: number;
  nexthops?: Nexthop[];
  metrics: Record<string, number | string | null>;
}

/** A nexthop object (`ip nexthop`, Linux 5.3+): one gateway or device, or a group of them. */
export interface NexthopObject {
  id: number;
  protocol: number;
  /** A single nexthop: its gateway (absent: by device) and device. */
  gateway?: string;
  dev?: string;
  onlink: boolean;
  /** A group: its members' ids and weights. */
  group?: { id: number; weight: number }[];
  /** What uplink-lb never sets (blackhole, fdb, a resilient group, encap): never "as desired". */
  extra: string[];
}

/** One family's view of the kernel (the top level is IPv4's). */
export interface Observed {
  links: Link[];
  addresses: Address[];
  rules: Rule[];
  routes: Route[];
  /** The kernel's nexthop objects; absent where the kernel or iproute2 has none (then routes
   *  carry their nexthops themselves). */
  nexthops?: NexthopObject[];
  /** Entries of ip's output that lacked what the model needs: skipped, never guessed at. */
  skipped?: string[];
  /** The IPv6 side: its global addresses, rules, routes and nexthop objects (the same links);
   *  absent where the kernel has no IPv6. */
  inet6?: Observed;
}

/** uplink-lb's nftables table as `nft -j list table` shows it. */
export interface ObservedNft {
  present: boolean;
  fingerprint?: string;
  chains: number;
  rules: number;
}
