// `uplink-lb status`: each uplink as configured and as found, then whether the kernel holds
// what the configuration asks for, naming every difference (like `ifquery --check`). Pure.
import type { HaRole } from '../state/ha-role.js';
import type { HaSync } from '../state/ha-sync.js';
import type { ResolvPlan } from '../plan/resolv-conf.js';
import { epochIso } from '../util/clock.js';
import type { Config } from '../config/types.js';
import type { Observed } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import { isForeignMainDefault } from '../plan/ownership.js';
import type { Desired } from '../plan/desired.js';
import type { LanAddress } from '../plan/lan-prefixes.js';
import { IPV6_SIDE } from '../plan/health-key.js';
import type { UplinkState } from '../plan/uplink-state.js';
import type { Plan } from '../plan/diff.js';
import { routeText } from '../plan/describe.js';
import { describeDifference } from '../plan/explain.js';
import type { HealthRecord } from '../state/health.js';
import type { TargetResult, UplinkHealth } from '../health/machine.js';
import { hex } from '../util/hex.js';
import { STATUS_EXIT, verdictOf, type Verdict } from './verdict.js';
import { STALE_HEALTH_MS } from '../state/health.js';
import type { Transition } from '../state/transitions.js';

/** Transitions `status` prints (--json gives every kept one). */
const SHOWN_TRANSITIONS = 10;

/** One target's probes over the quality window. */
export interface ProbeSummary {
  target: string;
  /** Probes judged (answered, or lost). */
  sent: number;
  lossPercent: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  error: string | null;
}

/** The version of `status --json`'s shape; it grows by 1 when a field changes meaning or goes
 *  (new fields keep it). */
export const STATUS_SCHEMA = 1;

export interface StatusReport {
  schema: typeof STATUS_SCHEMA;
  /** The first line: balancing over how many uplinks, or not and why. */
  verdict: Verdict;
  /** What `status` exits with: 0 balancing and matching, 1 the kernel differs, 3 not balancing. */
  exitCode: number;
  uplinks: {
    device: string;
    status: string;
    reason: string;
    /** maintenance (drained by the administrator), up, degraded, draining, recovering (from the
     *  health check), or down / unconfigured. */
    health: string;
    healthReason: string;
    /** When the health last changed (ISO 8601), null when never checked. */
    healthSince: string | null;
    /** Flap damping holds the uplink out of the route until then (ISO 8601), or null. */
    heldUntil: string | null;
    inRoute: boolean;
    /** Drained by the administrator: since when, and when its pinned connections are (or were)
     *  released (ISO 8601); null when not drained. */
    maintenance: { since: string; deadline: string | null; released: string | null } | null;
    /** Its failover tier (1 is used first). */
    tier: number;
    /** Healthy, but out of the route because an uplink of a lower tier is usable. */
    standby: boolean;
    /** Tracked connections pinned to the uplink (null: pinning off or conntrack missing). */
    pinned: number | null;
    probes: ProbeSummary[];
    address: string | null;
    prefix: number | null;
    gateway: string | null;
    /** A point-to-point link (ppp): routes by device; its other end, when it has one. */
    pointToPoint: { peer: string | null } | null;
    carrier: boolean | null;
    weight: number;
    /** Its weight in the default route now (scaled while an uplink is degraded), null when out of it. */
    routeWeight: number | null;
    table: number;
    tableLabel: string;
    priority: number;
    mark: string;
    /** Its IPv6 side (native mode); null where IPv6 is left alone. */
    ipv6: {
      status: string;
      reason: string;
      /** Its health, when it is judged by IPv6 targets of its own (else it follows the uplink's). */
      health: string | null;
      healthReason: string | null;
      inRoute: boolean;
      address: string | null;
      router: string | null;
      delegated: string[];
      lan: { device: string; address: string; preferred: boolean }[];
    } | null;
  }[];
  /** The traffic policies (PIN entries first), in the order they are tried, and which uplinks
   *  carry each now. */
  policies: {
    name: string;
    text: string;
    /** The tier (1 first) that carries it, null when none has a usable uplink. */
    tier: number | null;
    tiers: number;
    /** That tier's usable uplinks and their share of its new connections. */
    uplinks: { device: string; weight: number }[];
    /** Where its new connections go now. */
    to: 'uplinks' | 'default route' | 'refused';
  }[];
  /** The router's resolver file: managed (its path, the resolvers it should hold, best first,
   *  and whether it does) or not, and why. */
  resolvers: { file: string; current: boolean; list: { address: string; uplinks: string[]; by: string }[] } | { file: null; why: string };
  /** A router of a pair (HA_VRRP): its role as keepalived last told it (null: not yet), since
   *  when, the steps of that change that failed, and the weight it offers keepalived (the
   *  track file's number, null when not written yet); null when not in a pair. */
  pair: { vrrp: string; role: string | null; since: string | null; failed: string[]; trackFile: string; weight: number | null; sync: { working: boolean; since: string; reason: string; heard: string | null } | null } | null;
  defaultRoute: string | null;
  /** IPv6: the mode, and the main table's IPv6 default route that uplink-lb owns. */
  ipv6: { mode: string; defaultRoute: string | null; lanPrefix?: string };
  /** Default routes in the main table that uplink-lb does not own, with a lower metric that shadows its own. */
  shadowingRoutes: string[];
  failOpen: boolean;
  /** Connection pinning in force (configured and nftables present). */
  pinning: boolean;
  /** net.ipv4.fib_multipath_hash_policy in force: 0 per host pair (l3), 1 per connection (l4). */
  hashPolicy: number | null;
  /** Whether the routes use the kernel's nexthop objects, and if not, why. */
  nexthopObjects: { used: boolean; why: string | null };
  /** When the last probe round ran (ISO 8601), null when never. */
  lastCheck: string | null;
  warnings: string[];
  /** The last state changes, oldest first (kept across check runs). */
  transitions: { at: string; device: string | null; event: string; cause: string }[];
  matches: boolean;
  differences: string[];
}

function summarise(probe: TargetResult): ProbeSummary {
  return {
    target: probe.target,
    sent: probe.sent,
    lossPercent: probe.sent > 0 ? Math.round((100 * (probe.sent - probe.received)) / probe.sent) : null,
    rttMs: probe.rttMs,
    jitterMs: probe.jitterMs ?? null,
    error: probe.error ?? null,
  };
}

type UplinkReport = StatusReport['uplinks'][number];

export interface PinningFacts {
  pinning: boolean;
  pinned: ReadonlyMap<string, number | null>;
  hashPolicy?: number;
  /** Now, on the clock of the records' times (the monotonic clock). */
  now: number;
  /** A record's moment as wall time for people (default: the moment is a wall time already). */
  label?: (ms: number) => string;
  transitions: readonly Transition[];
  /** What would be done with the resolver file (pipeline/resolvers.ts); absent: not known. */
  resolv?: ResolvPlan;
  /** radvd's configuration (RADVD_CONF): whether it lists what it should, and what keeps it
   *  from doing so (pipeline/radvd.ts); absent: not managed. */
  radvd?: { path: string; current: boolean; problems: string[] };
  /** A router of a pair: its role record and the weight its track file holds. */
  pair?: { role?: HaRole; weight?: number; sync?: HaSync };
}

function resolversReport(plan: ResolvPlan | undefined): StatusReport['resolvers'] {
  if (!plan) return { file: null, why: 'not read' };
  if (plan.action === 'leave') return { file: null, why: plan.why };
  return { file: plan.path, current: plan.action === 'keep' || (plan.action === 'resolvconf' && plan.current), list: plan.list.map((e) => ({ address: e.address, uplinks: e.devices, by: e.by })) };
}

function pairLine(p: NonNullable<StatusReport['pair']>): string {
  const role = p.role ? `${p.role} (keepalived's ${p.vrrp}, since ${p.since ?? '?'})` : `no role yet: keepalived has told nothing of ${p.vrrp} (is its vrrp_notify_fifo_script uplink-lb ha-notify?)`;
  const weight = p.weight === null ? `no weight offered yet in ${p.trackFile} (the health check writes it)` : `offering weight ${p.weight} in ${p.trackFile}`;
  const failed = p.failed.length > 0 ? `; steps that failed: ${p.failed.join('; ')}` : '';
  const heard = p.sync?.heard ? `; the peer last heard ${p.sync.heard}` : '';
  const sync = p.sync === null ? '' : p.sync.working ? `; synchronisation works (${p.sync.reason}${heard})` : `; synchronisation LOST since ${p.sync.since}: ${p.sync.reason}${heard} (connections would not survive a switch)`;
  return `pair: ${role}, ${weight}${failed}${sync}`;
}

function resolversLine(r: StatusReport['resolvers']): string {
  if (r.file === null) return `resolvers: not managed: ${r.why}`;
  const list = r.list.map((e) => `${e.address} (${e.uplinks.join(', ')})`).join(', ');
  return `resolvers in ${r.file}, best first: ${list}${r.current ? '' : ' (the file differs: the next run writes it)'}`;
}

type Iso = (ms: number | undefined) => string | null;
const isoOf = (label: (ms: number) => string): Iso => (ms) => (ms === undefined ? null : label(ms));

/** Why an uplink drained for maintenance is out of the route, in words. */
function maintenanceReason(m: NonNullable<UplinkState['maintenance']>, iso: Iso): string {
  const kept = m.released !== undefined ? `pinned connections released at ${iso(m.released)}` : m.deadline !== undefined ? `pinned connections kept until ${iso(m.deadline)}` : 'pinned connections kept until they end';
  return `drained by the administrator at ${iso(m.since)} (uplink-lb undrain ends it); ${kept}`;
}

function uplinkReport(s: UplinkState, h: UplinkHealth | undefined, pinned: number | null, iso: Iso, lan: readonly LanAddress[], h6: UplinkHealth | undefined): UplinkReport {
  const probed = s.status === 'up';
  const m = s.maintenance;
  return {
    device: s.uplink.device,
    status: s.status,
    reason: s.reason,
    health: m ? 'maintenance' : probed ? (h?.state ?? 'up') : s.status,
    healthReason: m ? maintenanceReason(m, iso) : probed ? (h?.reason ?? 'not checked yet') : s.reason,
    maintenance: m ? { since: iso(m.since) as string, deadline: iso(m.deadline), released: iso(m.released) } : null,
    healthSince: m ? iso(m.since) : h ? iso(h.since) : null,
    heldUntil: h?.holdUntil !== undefined && h.state !== 'up' ? iso(h.holdUntil) : null,
    inRoute: s.inRoute,
    tier: s.uplink.tier,
    standby: s.standby === true,
    pinned,
    probes: (h?.probes ?? []).map(summarise),
    address: s.address ?? null,
    prefix: s.prefix ?? null,
    gateway: s.gateway ?? null,
    pointToPoint: s.pointToPoint ? { peer: s.peer ?? null } : null,
    carrier: s.carrier ?? null,
    weight: s.uplink.weight,
    routeWeight: s.routeWeight ?? null,
    table: s.uplink.table,
    tableLabel: s.uplink.tableLabel,
    priority: s.uplink.priority,
    mark: hex(s.uplink.mark),
    ipv6: s.inet6
      ? {
          status: s.inet6.status,
          reason: s.inet6.reason,
          health: s.inet6.uplink.targets6.length > 0 && s.inet6.status === 'up' ? (h6?.state ?? 'up') : null,
          healthReason: s.inet6.uplink.targets6.length > 0 && s.inet6.status === 'up' ? (h6?.reason ?? 'not checked yet') : null,
          inRoute: s.inet6.inRoute,
          address: s.inet6.address ?? null,
          router: s.inet6.gateway ?? null,
          delegated: s.inet6.delegated ?? [],
          lan: lan.filter((a) => a.uplink === s.uplink.device).map((a) => ({ device: a.device, address: `${a.address}/64`, preferred: a.preferred })),
        }
      : null,
  };
}

/** An uplink's IPv6 side in one line. */
function ipv6Lines(v6: NonNullable<StatusReport['uplinks'][number]['ipv6']>): string[] {
  const lan = v6.lan.map((a) => `  ipv6 LAN ${a.device}: ${a.address} ${a.preferred ? 'preferred' : 'deprecated (hosts start no new connection from it)'}`);
  if (v6.status !== 'up') return [`  ipv6: ${v6.status} - ${v6.reason}`, ...lan];
  const parts = [`address ${v6.address ?? 'none'}`, `router ${v6.router ?? 'none'}`, `delegated ${v6.delegated.length > 0 ? v6.delegated.join(', ') : 'none'}`];
  const health = v6.health ? `${v6.health} (${v6.healthReason ?? ''}), ` : '';
  return [`  ipv6: ${health || 'up, '}${v6.inRoute ? 'in the IPv6 default route' : 'not in the IPv6 default route'} - ${parts.join(', ')}`, ...lan];
}

/** uplink-lb's IPv6 default route in the main table, as text. */
function ipv6Default(config: Config, observed: Observed): string | null {
  const route = observed.inet6?.routes.find((r) => r.table === MAIN_TABLE && r.dst === 'default' && r.metric === config.metric);
  return route ? routeText(route) : null;
}

export function buildStatus(config: Config, observed: Observed, want: Desired, plan: Plan, health: HealthRecord, facts: PinningFacts): StatusReport {
  const mainDefaults = observed.routes.filter((r) => r.table === MAIN_TABLE && r.dst === 'default');
  const current = mainDefaults.find((r) => r.metric === config.metric);
  const verdict = verdictOf(want, observed, { lastCheck: health.updated, now: facts.now, staleAfterMs: STALE_HEALTH_MS });
  const matches = plan.changes.length === 0;
  const iso = isoOf(facts.label ?? epochIso);
  return {
    schema: STATUS_SCHEMA,
    verdict,
    exitCode: !verdict.balancing ? STATUS_EXIT.notBalancing : matches ? STATUS_EXIT.ok : STATUS_EXIT.differs,
    uplinks: want.uplinks.map((s) => uplinkReport(s, health.uplinks[s.uplink.device], facts.pinned.get(s.uplink.device) ?? null, iso, want.target.inet6?.addresses ?? [], health.uplinks[`${s.uplink.device}${IPV6_SIDE}`])),
    policies: want.policies.map((c) => ({
      name: c.policy.name,
      text: c.policy.text,
      tier: c.tier === undefined ? null : c.tier + 1,
      tiers: c.policy.tiers.length,
      uplinks: c.members.map((m) => ({ device: m.device, weight: m.weight })),
      to: c.members.length > 0 ? 'uplinks' : c.policy.strict ? 'refused' : 'default route',
    })),
    resolvers: resolversReport(facts.resolv),
    pair: config.ha ? { vrrp: config.ha.vrrp, role: facts.pair?.role?.role ?? null, since: facts.pair?.role ? new Date(facts.pair.role.since).toISOString() : null, failed: facts.pair?.role?.failed ?? [], trackFile: config.ha.trackFile, weight: facts.pair?.weight ?? null, sync: facts.pair?.sync ? { working: facts.pair.sync.working, since: iso(facts.pair.sync.since) ?? '', reason: facts.pair.sync.reason, heard: iso(facts.pair.sync.heard) } : null } : null,
    defaultRoute: current ? routeText(current) : null,
    ipv6: { mode: config.ipv6, defaultRoute: ipv6Default(config, observed), ...(config.lanPrefix6 ? { lanPrefix: config.lanPrefix6 } : {}) },
    // uplink-lb's own stale routes are among the differences, not here
    shadowingRoutes: mainDefaults.filter((r) => r.metric < config.metric && r.type === 'unicast' && isForeignMainDefault(r)).map(routeText),
    failOpen: want.failOpen,
    pinning: facts.pinning,
    hashPolicy: facts.hashPolicy ?? null,
    nexthopObjects: want.nexthopMode.objects ? { used: true, why: null } : { used: false, why: want.nexthopMode.why },
    lastCheck: health.updated > 0 ? iso(health.updated) : null,
    warnings: [...config.warnings, ...want.lanProblems, ...(facts.radvd?.problems.map((p) => `radvd: ${p}`) ?? []), ...(facts.radvd && !facts.radvd.current && facts.radvd.problems.length === 0 ? [`radvd: ${facts.radvd.path} differs from the LAN prefixes' state (the next run writes it)`] : [])],
    transitions: facts.transitions.map((t) => ({ at: new Date(t.at).toISOString(), device: t.device ?? null, event: t.event, cause: t.cause })),
    matches,
    differences: plan.changes.map((c) => `[fail] ${describeDifference(c, 'configured')}`),
  };
}

function policyWhere(p: StatusReport['policies'][number]): string {
  if (p.to === 'refused') return 'refused (strict): no uplink of it is usable';
  if (p.to === 'default route') return 'the default route: no uplink of it is usable';
  const uplinks = p.uplinks.map((u) => (p.uplinks.length > 1 ? `${u.device} (weight ${u.weight})` : u.device)).join(', ');
  return p.tiers > 1 ? `${uplinks}, tier ${p.tier} of ${p.tiers}` : uplinks;
}

export function formatStatus(report: StatusReport): string {
  const lines: string[] = [report.verdict.text];
  for (const u of report.uplinks) {
    const where = u.address ? `${u.address}/${u.prefix}` : 'no address';
    const carrier = u.carrier === false ? ' (no carrier)' : '';
    const route = u.inRoute ? 'in the default route' : u.standby ? `on standby (tier ${u.tier}: an uplink of a lower tier is usable)` : 'not in the default route';
    lines.push(`${u.device}: ${u.health}, ${route}${carrier} - ${u.healthReason}${u.healthSince ? ` (since ${u.healthSince})` : ''}`);
    const scaled = u.routeWeight !== null && u.routeWeight !== u.weight ? ` (${u.routeWeight} in the route)` : '';
    const tier = u.tier === 1 ? '' : `, tier ${u.tier}`;
    const next = u.pointToPoint ? `point-to-point${u.pointToPoint.peer ? ` (peer ${u.pointToPoint.peer})` : ''}` : `gateway ${u.gateway ?? 'none'}`;
    lines.push(`  address ${where}, ${next}, weight ${u.weight}${scaled}${tier}, table ${u.tableLabel} (${u.table}), priority ${u.priority}, mark ${u.mark}`);
    if (u.ipv6) lines.push(...ipv6Lines(u.ipv6));
    if (u.pinned !== null) lines.push(`  pinned connections: ${u.pinned}`);
    for (const p of u.probes) {
      const loss = p.lossPercent === null ? 'no probe judged yet' : `loss ${p.lossPercent}% of ${p.sent}`;
      lines.push(`  probe ${p.target}: ${loss}${p.rttMs !== null ? `, rtt ${p.rttMs} ms` : ''}${p.jitterMs !== null ? `, jitter ${p.jitterMs} ms` : ''}${p.error ? `, ${p.error}` : ''}`);
    }
  }
  lines.push(`last check: ${report.lastCheck ?? 'never (is uplink-lb.timer, or without systemd the cron entry, running?)'}`);
  const policy = report.hashPolicy === 0 ? 'l3 (one uplink per client and server)' : report.hashPolicy === 1 ? 'l4 (per connection)' : String(report.hashPolicy);
  const nexthops = report.nexthopObjects.used ? 'yes' : `no (${report.nexthopObjects.why ?? ''})`;
  lines.push(`connection pinning: ${report.pinning ? 'on' : 'off'}; hash policy: ${policy}; nexthop objects: ${nexthops}`);
  if (report.policies.length > 0) lines.push('policies (the first that matches a new connection decides):');
  for (const p of report.policies) lines.push(`  ${p.name} ${JSON.stringify(p.text)}: ${policyWhere(p)}`);
  lines.push(resolversLine(report.resolvers));
  if (report.pair) lines.push(pairLine(report.pair));
  if (report.failOpen) lines.push('FAIL OPEN: every uplink fails its probes; all are kept in the default route');
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  if (report.transitions.length > 0) {
    lines.push('last changes:');
    for (const t of report.transitions.slice(-SHOWN_TRANSITIONS)) lines.push(`  ${t.at} ${t.device ? `${t.device} ` : ''}${t.event}: ${t.cause}`);
  }
  lines.push(`default route: ${report.defaultRoute ?? 'none'}`);
  if (report.ipv6.mode === 'native') {
    // the LAN's hosts pick their source prefix, and with it their ISP: weights are the router's
    lines.push(`ipv6 default route: ${report.ipv6.defaultRoute ?? 'none'} (native: LAN hosts choose their ISP by source prefix; weights apply to the router's own connections)`);
  } else if (report.ipv6.mode === 'translated') {
    lines.push(`ipv6 default route: ${report.ipv6.defaultRoute ?? 'none'} (translated: the LAN's ${report.ipv6.lanPrefix ?? '?'} leaves through each uplink as its delegated /64; weights apply to every connection)`);
  }
  for (const route of report.shadowingRoutes) lines.push(`warning: a default route not managed by uplink-lb has a lower metric and takes precedence: ${route}`);
  if (report.matches) lines.push('kernel: [pass] rules and routes match the configuration');
  else {
    lines.push('kernel: [fail] differs from the configuration (uplink-lb apply fixes it):');
    for (const d of report.differences) lines.push(`  ${d}`);
  }
  return lines.join('\n') + '\n';
}
