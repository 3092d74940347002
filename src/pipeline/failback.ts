// Failback: when a better tier comes back, the uplinks of the worse one go on standby. Their
// pinned connections are kept until they end, or, with IFACE_FAILBACK_RELEASE, released that
// many seconds after the route changed (the check does it; the time is kept in the health
// record, so a cron handover does not restart it).
import type { Config } from '../config/types.js';
import type { UplinkHealth } from '../health/machine.js';
import { systemKernel } from '../kernel/kernel.js';
import type { UplinkState } from '../plan/uplink-state.js';
import type { Log } from '../util/log.js';

/** Notes when each uplink went on standby (and forgets it when it left standby); returns the
 *  uplinks whose connections are due for release now. Changes `health` in place. Pure. */
export function standbyDue(states: readonly UplinkState[], health: Record<string, UplinkHealth>, now: number): UplinkState[] {
  const due: UplinkState[] = [];
  for (const s of states) {
    const h = health[s.uplink.device];
    if (!h) continue;
    if (!s.standby) {
      delete h.standbySince;
      delete h.standbyReleased;
      continue;
    }
    h.standbySince ??= now;
    const after = s.uplink.failbackRelease * 1000;
    if (after > 0 && h.standbyReleased === undefined && now - h.standbySince >= after) {
      h.standbyReleased = now;
      due.push(s);
    }
  }
  return due;
}

/** Releases the connections still pinned to the uplinks whose failback hold-down is over. */
export function releaseAfterFailback(config: Config, states: readonly UplinkState[], health: Record<string, UplinkHealth>, now: number, log: Log): void {
  if (!config.pinning) return;
  for (const s of standbyDue(states, health, now)) {
    const count = systemKernel.releaseMark(s.uplink.mark);
    if (count !== undefined) log.info(`${s.uplink.device}: on standby for ${s.uplink.failbackRelease} s (a better tier is back): released ${count} pinned connection(s)`, { device: s.uplink.device, event: 'failback-release' });
  }
}
