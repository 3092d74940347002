// What this router offers its pair: the summed weight of its shared uplinks that work (up, and
// not drained by the health check; an uplink in maintenance works), once for each family an
// uplink carries: a dual-stack uplink whose IPv6 side fails (its own IPv6 targets unanswered)
// offers its weight once, not twice, so the pair prefers the router whose peer still has both.
// keepalived reads the sum from HA_TRACK_FILE (track_file with `weight 1`) and adds it to the
// router's priority. Active-only uplinks are left out: the same line for both routers, up only
// on the active one, they would make the backup look worse for being the backup. Pure.
import { healthKey } from '../plan/health-key.js';
import type { UplinkState } from '../plan/uplink-state.js';

/** keepalived takes a tracked value from -254 to 254. */
const MOST = 254;

export function trackWeight(uplinks: readonly UplinkState[], drained: ReadonlySet<string>): number {
  const working = (s: UplinkState): boolean => s.status === 'up' && !drained.has(healthKey(s));
  const sum = uplinks
    .filter((s) => s.uplink.pairing === 'shared')
    .flatMap((s) => (s.inet6 ? [s, s.inet6] : [s]))
    .filter(working)
    .reduce((total, s) => total + s.uplink.weight, 0);
  return Math.min(MOST, sum);
}
