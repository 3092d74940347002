// The Prometheus text exposition format for node_exporter's textfile collector: per uplink its
// state, whether it is in the route (and its IPv6 side up and in the IPv6 route), weight (configured and in the route), probe loss and round-trip time, transitions and
// pinned connections; each traffic policy's tier; the last apply's result and time; fail open;
// probe rounds. Pure.
// node_exporter reads and checks the file itself (test/e2e/health.test.ts scrapes it).
import type { Desired } from '../plan/desired.js';
import type { HealthRecord } from '../state/health.js';
import type { LastApply } from '../state/last-apply.js';

const STATES = ['up', 'degraded', 'draining', 'recovering', 'maintenance', 'down', 'unconfigured'] as const;

export interface MetricsFacts {
  health: HealthRecord;
  lastApply: LastApply | undefined;
  /** Tracked connections pinned to each uplink, when known. */
  pinned: ReadonlyMap<string, number>;
  /** A router of a pair: whether it is the active one, and whether conntrackd's synchronisation
   *  works (absent: not known). */
  pair?: { master: boolean; syncWorking?: boolean };
}

type Labels = Record<string, string>;

/** A label value as the format wants it: backslash, double quote and newline escaped. */
const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function family(name: string, type: 'gauge' | 'counter', help: string, samples: readonly [Labels, number][]): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const text = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
    lines.push(`${name}${text ? `{${text}}` : ''} ${Number.isFinite(value) ? value : 'NaN'}`);
  }
  return lines;
}

export function formatMetrics(want: Desired, facts: MetricsFacts): string {
  const { health } = facts;
  const stateOf = (device: string, status: string): string => (status === 'up' ? (health.uplinks[device]?.state ?? 'up') : status);
  const uplinks = want.uplinks.map((s) => ({ device: s.uplink.device, state: s.maintenance ? 'maintenance' : stateOf(s.uplink.device, s.status), s }));
  const probes = uplinks.flatMap(({ device }) => (health.uplinks[device]?.probes ?? []).map((p) => ({ device, p })));
  const lines = [
    ...family('uplink_lb_uplink_state', 'gauge', 'The uplink\'s state: 1 for the one it is in.', uplinks.flatMap(({ device, state }) => STATES.map((st): [Labels, number] => [{ device, state: st }, st === state ? 1 : 0]))),
    ...family('uplink_lb_uplink_in_route', 'gauge', 'Whether the uplink is in the balanced default route.', uplinks.map(({ device, s }) => [{ device }, s.inRoute ? 1 : 0])),
    ...family('uplink_lb_uplink_ipv6_up', 'gauge', 'IPv6 (native or translated mode): whether the uplink\'s IPv6 side is up (an address or delegated prefix, and a router).', uplinks.filter(({ s }) => s.inet6).map(({ device, s }) => [{ device }, s.inet6?.status === 'up' ? 1 : 0])),
    ...family('uplink_lb_uplink_ipv6_in_route', 'gauge', 'IPv6 (native or translated mode): whether the uplink is in the balanced IPv6 default route (native: its LAN prefixes preferred).', uplinks.filter(({ s }) => s.inet6).map(({ device, s }) => [{ device }, s.inet6?.inRoute ? 1 : 0])),
    ...family('uplink_lb_uplink_weight', 'gauge', 'The uplink\'s configured weight.', uplinks.map(({ device, s }) => [{ device }, s.uplink.weight])),
    ...family('uplink_lb_uplink_route_weight', 'gauge', 'The uplink\'s weight in the default route now (scaled while an uplink is degraded).', uplinks.filter(({ s }) => s.routeWeight !== undefined).map(({ device, s }) => [{ device }, s.routeWeight ?? 0])),
    ...family('uplink_lb_probe_loss_ratio', 'gauge', 'Share of the probes to the target over the quality window that got no answer in time.', probes.filter(({ p }) => p.sent > 0).map(({ device, p }) => [{ device, target: p.target }, (p.sent - p.received) / p.sent])),
    ...family('uplink_lb_probe_rtt_seconds', 'gauge', 'Mean round-trip time of the target\'s answers over the quality window.', probes.filter(({ p }) => p.rttMs !== null).map(({ device, p }) => [{ device, target: p.target }, (p.rttMs ?? 0) / 1000])),
    ...family('uplink_lb_probe_jitter_seconds', 'gauge', 'Mean deviation of the target\'s round-trip times from their mean over the quality window.', probes.filter(({ p }) => p.jitterMs !== undefined).map(({ device, p }) => [{ device, target: p.target }, (p.jitterMs ?? 0) / 1000])),
    ...family('uplink_lb_uplink_transitions_total', 'counter', 'State changes of the uplink since boot.', uplinks.map(({ device }) => [{ device }, health.uplinks[device]?.transitions ?? 0])),
    ...family('uplink_lb_uplink_pinned_connections', 'gauge', 'Tracked connections pinned to the uplink.', uplinks.filter(({ device }) => facts.pinned.has(device)).map(({ device }) => [{ device }, facts.pinned.get(device) ?? 0])),
    ...family('uplink_lb_policy_tier', 'gauge', 'The tier (1 first) of the traffic policy that carries its new connections now; 0 while none has a usable uplink (the default route, or refused when strict).', want.policies.map((c) => [{ policy: c.policy.name }, c.tier === undefined ? 0 : c.tier + 1])),
    ...family('uplink_lb_fail_open', 'gauge', 'Whether every uplink fails its probes and all are kept in the route.', [[{}, want.failOpen ? 1 : 0]]),
    ...family('uplink_lb_check_rounds_total', 'counter', 'Health judgements since boot (the check judges when a failure window could end: a few times a second).', [[{}, health.rounds ?? 0]]),
  ];
  if (want.resolvers.length > 0) {
    lines.push(...family('uplink_lb_resolver_position', 'gauge', 'The router\'s resolvers from the usable uplinks, best first (1 first); the file holds them when uplink-lb manages it (RESOLV_CONF).', want.resolvers.map((e, i) => [{ resolver: e.address, device: e.devices[0] ?? '' }, i + 1])));
  }
  if (facts.lastApply) {
    lines.push(...family('uplink_lb_last_apply_success', 'gauge', 'Whether the last run that changed the kernel succeeded (0: it failed and was rolled back).', [[{}, facts.lastApply.ok ? 1 : 0]]));
    lines.push(...family('uplink_lb_last_apply_timestamp_seconds', 'gauge', 'When the last run that changed the kernel ended.', [[{}, facts.lastApply.at / 1000]]));
  }
  if (facts.pair) {
    lines.push(...family('uplink_lb_pair_master', 'gauge', 'A router of a high-availability pair: whether keepalived made it the active one.', [[{}, facts.pair.master ? 1 : 0]]));
    if (facts.pair.syncWorking !== undefined) lines.push(...family('uplink_lb_pair_sync_working', 'gauge', 'A router of a pair: whether the peer\'s conntrackd messages keep arriving (0: connections would not survive a switch).', [[{}, facts.pair.syncWorking ? 1 : 0]]));
  }
  return `${lines.join('\n')}\n`;
}
