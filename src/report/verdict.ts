// The first line of `status`: whether the router balances, over how many uplinks, and if not,
// why, in words a person can act on; and the exit code that goes with it. Pure.
import { MAIN_TABLE } from '../kernel/tables.js';
import type { Observed, Route } from '../kernel/types.js';
import type { Desired } from '../plan/desired.js';
import { ownsRoute } from '../plan/ownership.js';

/** Exit codes of `status` (documented in the README and uplink-lb(8)). */
export const STATUS_EXIT = {
  /** Balancing, the kernel holds what the configuration asks for, the health check runs. */
  ok: 0,
  /** The kernel differs from the configuration (`uplink-lb apply` fixes it). */
  differs: 1,
  /** Not balancing: no uplink usable, a foreign default route wins, uplink-lb's route is
   *  missing, every uplink fails its probes, or the health check stopped. */
  notBalancing: 3,
} as const;

export interface Verdict {
  balancing: boolean;
  /** Configured uplinks in the default route that wins. */
  inRoute: string[];
  uplinks: number;
  /** The sentence. */
  text: string;
  /** Why not balancing, as a short key (absent when balancing). */
  reason?: 'no-usable-uplink' | 'foreign-route-wins' | 'route-missing' | 'fail-open' | 'check-stopped';
}

export interface VerdictFacts {
  /** When the health check last finished a round (ms since the epoch), 0 for never. */
  lastCheck: number;
  now: number;
  /** Older than this, the health check counts as stopped. */
  staleAfterMs: number;
}

/** The default route the kernel uses for traffic that no rule sends elsewhere: the main
 *  table's unicast default with the lowest metric. */
function winningDefault(observed: Observed): Route | undefined {
  return observed.routes
    .filter((r) => r.table === MAIN_TABLE && r.dst === 'default' && r.type === 'unicast')
    .sort((a, b) => a.metric - b.metric)[0];
}

const devicesOf = (route: Route): string[] => (route.nexthops ? route.nexthops.map((h) => h.dev) : route.dev ? [route.dev] : []);

export function verdictOf(want: Desired, observed: Observed, facts: VerdictFacts): Verdict {
  const configured = want.uplinks.map((s) => s.uplink.device);
  const m = configured.length;
  const notBalancing = (reason: NonNullable<Verdict['reason']>, why: string, inRoute: string[] = []): Verdict => ({ balancing: false, inRoute, uplinks: m, reason, text: `not balancing: ${why}` });
  const usable = want.uplinks.filter((s) => s.status === 'up');
  if (usable.length === 0) {
    const why = want.uplinks.map((s) => `${s.uplink.device}: ${s.reason}`).join('; ');
    return notBalancing('no-usable-uplink', `no uplink is usable (${why})`);
  }
  const winner = winningDefault(observed);
  // uplink-lb's: its protocol, or the configured metric (a route there is replaced by the next run)
  if (!winner || !ownsRoute(winner, want.scope)) {
    if (winner) return notBalancing('foreign-route-wins', `a default route uplink-lb does not manage wins (metric ${winner.metric} < ${want.scope.metric}): ${describe(winner)}; remove it or raise its metric`);
    return notBalancing('route-missing', 'uplink-lb\'s default route is missing (uplink-lb apply puts it back)');
  }
  const inRoute = devicesOf(winner).filter((d) => configured.includes(d));
  const over = `over ${inRoute.length} of ${m} uplink${m === 1 ? '' : 's'} (${inRoute.join(', ')})`;
  if (want.failOpen) return notBalancing('fail-open', `every uplink fails its probes (FAIL OPEN): the route keeps ${inRoute.join(', ')} anyway; check the probe targets`, inRoute);
  if (facts.lastCheck > 0 && facts.now - facts.lastCheck > facts.staleAfterMs) {
    const minutes = Math.round((facts.now - facts.lastCheck) / 60_000);
    return notBalancing('check-stopped', `the route is ${over}, but the health check last ran ${minutes} min ago: a dead ISP would stay in it (is cron running uplink-lb check?)`, inRoute);
  }
  const standby = want.uplinks.filter((s) => s.standby).map((s) => `${s.uplink.device} (tier ${s.uplink.tier})`);
  const waiting = standby.length > 0 ? `; on standby: ${standby.join(', ')}` : '';
  // (one that carries traffic as the last resort is not named)
  const drained = want.uplinks.filter((s) => s.maintenance && !s.inRoute).map((s) => s.uplink.device);
  const maintenance = drained.length > 0 ? `; drained for maintenance: ${drained.join(', ')}` : '';
  return { balancing: true, inRoute, uplinks: m, text: `balancing ${over}${waiting}${maintenance}` };
}

function describe(route: Route): string {
  return `default${route.gateway ? ` via ${route.gateway}` : ''}${route.dev ? ` dev ${route.dev}` : ''} metric ${route.metric} proto ${route.protocol}`;
}
