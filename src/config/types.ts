import type { RouteOptions } from './route-options.js';
import type { Ipv6Mode, Router6 } from './validate-ipv6.js';
import type { ResolvConf, UplinkResolvers } from './validate-resolvers.js';
import type { HaConfig, UplinkPairing } from './validate-ha.js';

/** A value the configuration leaves to the interface or the DHCP lease. */
export type Auto = 'auto';

export type ProbeMethod = { kind: 'icmp' } | { kind: 'tcp'; port: number };

/** Separate failure and recovery values for one measure of link quality. */
export interface Threshold {
  fail: number;
  recover: number;
}

export interface CheckConfig {
  /** Seconds between two probes of one target: every target of every uplink is probed
   *  continuously at this pace. */
  interval: number;
  /** Seconds an answer may take; a later one counts as lost. */
  timeout: number;
  /** Targets that must answer for an uplink to be working. */
  reliability: number;
  /** Seconds without answers from enough targets that fail an uplink, when set; otherwise
   *  each uplink's own (UplinkConfig.failWindow) follows from its number of targets. */
  failWindow?: number;
  /** Seconds a failed uplink must answer steadily before it is back. */
  recoverWindow: number;
  /** Seconds over which loss, round-trip time and jitter are measured. */
  qualityWindow: number;
  /** Loss in percent of the probes: degraded at `fail` or more, good again at `recover` or less. */
  loss: Threshold;
  /** Mean round-trip time in ms: degraded above `fail` (0: never), good again at `recover` or less. */
  latency: Threshold;
  /** What a degraded uplink gets: its weight lowered in proportion to its quality, or drained. */
  degraded: 'weight' | 'drain';
  /** Flap damping: seconds a second failure within 10 minutes holds the uplink out, doubling
   *  with each further one up to flapHoldMax; 0 turns it off. */
  flapHold: number;
  flapHoldMax: number;
  /** Minutes a check run probes before the cron start at its deadline takes over (cron's
   *  starts in between exit without starting the executable). */
  runMinutes: number;
  action: 'drain';
}

export interface UplinkConfig {
  /** Position in the arrays, 0-based: the uplink's identity comes from the file, not from events. */
  index: number;
  device: string;
  /** Routing table number, and the text the configuration used for it. */
  table: number;
  tableLabel: string;
  priority: number;
  address: string | Auto;
  prefix: number | Auto;
  gateway: string | Auto;
  weight: number;
  /** Failover tier: the default route holds the usable uplinks of the lowest tier that has any. */
  tier: number;
  /** Seconds after it went on standby (a better tier came back) that the connections still
   *  pinned to it are released; 0 keeps them until they end. */
  failbackRelease: number;
  mark: number;
  /** The IPv6 router: `auto` (from its router advertisements), an address, or `none` (no IPv6
   *  through this uplink). */
  router6: Router6;
  /** Its resolvers: `auto` (what its DHCP client or PPP peer announces) or a fixed list. */
  resolvers: UplinkResolvers;
  /** Probe targets; empty means the uplink's gateway. */
  targets: string[];
  /** IPv6 probe targets (from the same keys): the uplink's IPv6 side is judged on its own when
   *  it has any, and follows the IPv4 side's verdict when it has none. */
  targets6: string[];
  method: ProbeMethod;
  /** Seconds without answers that fail this uplink (CHECK_FAIL_WINDOW, or from its targets). */
  failWindow: number;
  /** The same for its IPv6 side (from its IPv6 targets). */
  failWindow6: number;
  /** In a pair: both routers have it (shared), or only the active one brings it up. */
  pairing: UplinkPairing;
}

/** Sends matching new connections through one uplink. */
export interface Pin {
  /** "a.b.c.d/len", or undefined for any destination. */
  destination?: string;
  protocol?: 'tcp' | 'udp';
  port?: number;
  /** Index of the uplink in the configuration. */
  uplink: number;
  /** Never through another uplink, even while this one is unhealthy. */
  strict: boolean;
  /** The entry as written, for messages. */
  text: string;
}

/** What a traffic policy matches; every part given must match. */
export interface PolicyMatch {
  /** Source network or host, "a.b.c.d/len". */
  from?: string;
  /** Inbound interface (a LAN): only forwarded traffic that arrives through it. */
  in?: string;
  /** Destination network or host, "a.b.c.d/len". */
  to?: string;
  protocol?: 'tcp' | 'udp';
  /** Destination port, or the first and last of a range. */
  ports?: [number, number];
}

/** An uplink of a policy's tier and its share of the tier's new connections. */
export interface PolicyMember {
  /** Index of the uplink in the configuration. */
  uplink: number;
  weight: number;
}

/** Sends matching new connections through its first tier that has a usable uplink. */
export interface Policy {
  match: PolicyMatch;
  /** Ordered tiers of uplinks: the first that has a usable uplink carries the policy. */
  tiers: PolicyMember[][];
  /** When no uplink of any tier is usable: refuse the connection rather than leave it to the
   *  default route. */
  strict: boolean;
  /** Where it came from, for messages: "POLICY[0]", or "PIN[1]" for a pin. */
  name: string;
  /** The entry as written. */
  text: string;
}

export interface Config {
  /** Where the configuration came from, for messages. */
  source: string;
  /** The file's text as read (what `apply --confirm` rolls back to). */
  text: string;
  uplinks: UplinkConfig[];
  routeOptions: RouteOptions;
  /** Metric of the main-table default route that uplink-lb owns. */
  metric: number;
  check: CheckConfig;
  /** Established connections keep the uplink they started on (nftables conntrack marks). */
  pinning: boolean;
  pins: Pin[];
  /** POLICY entries, in order (the first that matches a new connection decides; PIN entries
   *  come before them). */
  policies: Policy[];
  /** net.ipv4.fib_multipath_hash_policy, set only when configured: l3 = 0, l4 = 1. */
  hashPolicy?: 'l3' | 'l4';
  /** The balanced route and the uplink tables' defaults use the kernel's nexthop objects where
   *  it has them (`auto`), or carry their nexthops themselves (`no`). */
  nexthopObjects: 'auto' | 'no';
  /** IPv6: native (each uplink's prefix routed by source) or off (left alone). */
  ipv6: Ipv6Mode;
  /** LAN interfaces that get a /64 of each uplink's delegated prefix (the n-th its n-th /64),
   *  preferred while the uplink carries traffic, deprecated while it does not. */
  lans6: string[];
  /** Translated mode: the LAN's own /64 ("PREFIX/64"), translated to each uplink's. */
  lanPrefix6?: string;
  /** radvd's configuration, where each LAN's interface block lists its /64s (IPV6_LAN). */
  radvdConf?: string;
  /** The file that holds the router's resolvers, kept to those of the usable uplinks. */
  resolvConf: ResolvConf;
  /** Seconds an event hook may run before it is stopped. */
  eventTimeout: number;
  /** Where the event hooks are (default /etc/uplink-lb/events.d). */
  eventHooksDir: string;
  /** node_exporter's textfile collector directory: metrics are written there (off when unset). */
  metricsDir?: string;
  /** A router of a high-availability pair (HA_VRRP set). */
  ha?: HaConfig;
  /** What is allowed but probably not meant (shown by validate and status). */
  warnings: string[];
}

export interface ConfigProblem {
  /** "FILE:LINE", or "environment NAME". */
  where: string;
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.where}: ${problem.message}`;
}
