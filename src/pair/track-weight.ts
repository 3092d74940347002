// What this router offers its pair: the summed weight of its shared uplinks that work (up, and
// not drained by the health check; an uplink in maintenance works). keepalived reads it from
// HA_TRACK_FILE (track_file with `weight 1`) and adds it to the router's priority, so the pair
// prefers the router whose uplinks work. Active-only uplinks are left out: the same line for
// both routers, up only on the active one, they would make the backup look worse for being the
// backup. Pure.
import type { UplinkState } from '../plan/uplink-state.js';

/** keepalived takes a tracked value from -254 to 254. */
const MOST = 254;

export function trackWeight(uplinks: readonly UplinkState[], drained: ReadonlySet<string>): number {
  const sum = uplinks.filter((s) => s.uplink.pairing === 'shared' && s.status === 'up' && !drained.has(s.uplink.device)).reduce((total, s) => total + s.uplink.weight, 0);
  return Math.min(MOST, sum);
}
